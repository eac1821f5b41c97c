/**
 * Warehouse split: which warehouses ship which units of an order.
 *
 * Runs inside workflow code, so it is pure and deterministic: no clock, randomness, I/O or
 * locale-aware string comparison, and the plan does not depend on the order of the input arrays.
 *
 * Policy:
 * 1. Fewest suborders (distinct warehouses).
 * 2. Among warehouse sets of that size, the smallest total distance from warehouse to destination
 *    (haversine, in whole metres so equidistant warehouses tie exactly), then the lexicographically
 *    smallest list of warehouse ids.
 * 3. Within the chosen set a line ships whole from the nearest warehouse holding all of it; when none
 *    does, it is filled from the nearest warehouses first.
 *
 * Search: a set can serve the order when, for every item, its warehouses together hold enough (items
 * compete for nothing else). Sets are tried exhaustively by increasing size while the number of sets
 * examined stays within `maxExactSubsets` (default 2^14: always exact with ≤ 14 candidate warehouses,
 * and with 20 up to 4 suborders). Past that budget a greedy cover decides: repeatedly take the warehouse
 * covering the largest share of what is still missing, then drop warehouses that turned out redundant.
 *
 * Malformed input (non-positive or fractional quantities, unknown or duplicate warehouses, bad
 * coordinates) throws a RangeError: it is a bug upstream, not a business outcome.
 */

import { compareIds } from './id-order.js';
import type { OrderLine, ShortLine } from './order-lines.js';

export interface WarehouseAvailability {
  readonly warehouseId: string;
  readonly itemId: string;
  readonly available: number;
}

/** Degrees; the caller resolves a shipping address to coordinates. */
export interface GeoPoint {
  readonly latitude: number;
  readonly longitude: number;
}

export interface WarehouseLocation extends GeoPoint {
  readonly warehouseId: string;
}

export interface SplitRequest {
  readonly lines: readonly OrderLine[];
  readonly availability: readonly WarehouseAvailability[];
  readonly warehouses: readonly WarehouseLocation[];
  readonly destination: GeoPoint;
}

export interface Suborder {
  readonly warehouseId: string;
  /** Sorted by item id. */
  readonly lines: readonly OrderLine[];
}

/** Suborders are sorted by warehouse id; short lines by item id. */
export type SplitPlan =
  | { readonly ok: true; readonly suborders: readonly Suborder[] }
  | { readonly ok: false; readonly unfulfillable: readonly ShortLine[] };

export interface SplitOptions {
  readonly maxExactSubsets?: number;
}

export const DEFAULT_MAX_EXACT_SUBSETS = 1 << 14;

const EARTH_MEAN_RADIUS_METRES = 6_371_008.8;

/** Great-circle (haversine) distance in whole metres. */
export function distanceMetres(from: GeoPoint, to: GeoPoint): number {
  const radians = Math.PI / 180;
  const sinHalfLatitude = Math.sin(((to.latitude - from.latitude) * radians) / 2);
  const sinHalfLongitude = Math.sin(((to.longitude - from.longitude) * radians) / 2);
  const h =
    sinHalfLatitude * sinHalfLatitude +
    Math.cos(from.latitude * radians) * Math.cos(to.latitude * radians) * sinHalfLongitude * sinHalfLongitude;
  return Math.round(2 * EARTH_MEAN_RADIUS_METRES * Math.asin(Math.min(1, Math.sqrt(h))));
}

export function planSplit(request: SplitRequest, options: SplitOptions = {}): SplitPlan {
  const maxExactSubsets = options.maxExactSubsets ?? DEFAULT_MAX_EXACT_SUBSETS;
  if (!Number.isInteger(maxExactSubsets) || maxExactSubsets < 0) {
    throw new RangeError(`maxExactSubsets must be a non-negative integer, got ${maxExactSubsets}`);
  }
  const demand = totalDemand(request.lines);
  const distances = distancesToDestination(request.warehouses, request.destination);
  const candidates = stockedWarehouses(request.availability, demand, distances);

  const unfulfillable = shortLines(demand, candidates);
  if (unfulfillable.length > 0) return { ok: false, unfulfillable };
  if (demand.itemIds.length === 0) return { ok: true, suborders: [] };

  const chosen =
    cheapestSmallestCover(candidates, demand.quantities, maxExactSubsets) ??
    greedyCover(candidates, demand.quantities);
  return { ok: true, suborders: allocate(chosen, demand) };
}

/** Order items sorted by id, with their total requested quantity (repeated lines are added up). */
interface Demand {
  readonly itemIds: readonly string[];
  readonly quantities: readonly number[];
  readonly indexOf: ReadonlyMap<string, number>;
}

/** A warehouse holding at least one unit of an ordered item; `stock[i]` is for `Demand.itemIds[i]`. */
interface Candidate {
  readonly warehouseId: string;
  readonly distance: number;
  readonly stock: readonly number[];
}

function nearestFirst(a: Candidate, b: Candidate): number {
  return a.distance - b.distance || compareIds(a.warehouseId, b.warehouseId);
}

function totalDemand(lines: readonly OrderLine[]): Demand {
  const requested = new Map<string, number>();
  for (const { itemId, quantity } of lines) {
    if (typeof itemId !== 'string' || itemId.length === 0)
      throw new RangeError('order line without an item id');
    if (!Number.isSafeInteger(quantity) || quantity <= 0) {
      throw new RangeError(`quantity of ${itemId} must be a positive integer, got ${quantity}`);
    }
    requested.set(itemId, (requested.get(itemId) ?? 0) + quantity);
  }
  const itemIds = [...requested.keys()].sort(compareIds);
  return {
    itemIds,
    quantities: itemIds.map((id) => requested.get(id)!),
    indexOf: new Map(itemIds.map((id, index) => [id, index])),
  };
}

function assertValidPoint(point: GeoPoint, what: string): void {
  const { latitude, longitude } = point;
  const valid =
    Number.isFinite(latitude) &&
    Number.isFinite(longitude) &&
    Math.abs(latitude) <= 90 &&
    Math.abs(longitude) <= 180;
  if (!valid) throw new RangeError(`${what} has invalid coordinates (${latitude}, ${longitude})`);
}

function distancesToDestination(
  warehouses: readonly WarehouseLocation[],
  destination: GeoPoint,
): Map<string, number> {
  assertValidPoint(destination, 'destination');
  const distances = new Map<string, number>();
  for (const warehouse of warehouses) {
    if (distances.has(warehouse.warehouseId))
      throw new RangeError(`duplicate warehouse ${warehouse.warehouseId}`);
    assertValidPoint(warehouse, `warehouse ${warehouse.warehouseId}`);
    distances.set(warehouse.warehouseId, distanceMetres(warehouse, destination));
  }
  return distances;
}

function stockedWarehouses(
  availability: readonly WarehouseAvailability[],
  demand: Demand,
  distances: ReadonlyMap<string, number>,
): Candidate[] {
  const stockByWarehouse = new Map<string, number[]>();
  const seenRows = new Set<string>();
  for (const { warehouseId, itemId, available } of availability) {
    if (!distances.has(warehouseId))
      throw new RangeError(`availability names unknown warehouse ${warehouseId}`);
    if (!Number.isSafeInteger(available) || available < 0) {
      throw new RangeError(
        `available ${itemId} in ${warehouseId} must be a non-negative integer, got ${available}`,
      );
    }
    const rowKey = JSON.stringify([warehouseId, itemId]);
    if (seenRows.has(rowKey)) throw new RangeError(`duplicate availability of ${itemId} in ${warehouseId}`);
    seenRows.add(rowKey);

    const itemIndex = demand.indexOf.get(itemId);
    if (itemIndex === undefined || available === 0) continue;
    let stock = stockByWarehouse.get(warehouseId);
    if (!stock) {
      stock = demand.itemIds.map(() => 0);
      stockByWarehouse.set(warehouseId, stock);
    }
    stock[itemIndex] = available;
  }
  return [...stockByWarehouse]
    .map(([warehouseId, stock]) => ({ warehouseId, distance: distances.get(warehouseId)!, stock }))
    .sort(nearestFirst);
}

function shortLines(demand: Demand, candidates: readonly Candidate[]): ShortLine[] {
  const short: ShortLine[] = [];
  demand.itemIds.forEach((itemId, item) => {
    const requested = demand.quantities[item]!;
    const available = candidates.reduce((sum, candidate) => sum + candidate.stock[item]!, 0);
    if (available < requested) short.push({ itemId, requested, available });
  });
  return short;
}

function covers(warehouses: readonly Candidate[], quantities: readonly number[]): boolean {
  return quantities.every((needed, item) => {
    let held = 0;
    for (const warehouse of warehouses) held += warehouse.stock[item]!;
    return held >= needed;
  });
}

function binomial(n: number, k: number): number {
  let result = 1;
  for (let i = 1; i <= k; i++) result = (result * (n - k + i)) / i;
  return Math.round(result);
}

/** Calls `visit` with every k-subset of 0..n-1 as ascending indices (the array is reused). */
function forEachCombination(n: number, k: number, visit: (indices: readonly number[]) => void): void {
  const indices = Array.from({ length: k }, (_, i) => i);
  while (true) {
    visit(indices);
    let position = k - 1;
    while (position >= 0 && indices[position] === n - k + position) position--;
    if (position < 0) return;
    indices[position] = indices[position]! + 1;
    for (let next = position + 1; next < k; next++) indices[next] = indices[next - 1]! + 1;
  }
}

function sortedIds(warehouses: readonly Candidate[]): string[] {
  return warehouses.map((w) => w.warehouseId).sort(compareIds);
}

function idListsCompare(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const order = compareIds(a[i]!, b[i]!);
    if (order !== 0) return order;
  }
  return a.length - b.length;
}

/**
 * Exhaustive search by increasing set size. Returns undefined when the next size would take the number
 * of sets examined past `budget`; by then every smaller size is known not to cover the order.
 */
function cheapestSmallestCover(
  candidates: readonly Candidate[],
  quantities: readonly number[],
  budget: number,
): Candidate[] | undefined {
  let examined = 0;
  for (let size = 1; size <= candidates.length; size++) {
    examined += binomial(candidates.length, size);
    if (examined > budget) return undefined;

    let best: Candidate[] | undefined;
    let bestDistance = 0;
    forEachCombination(candidates.length, size, (indices) => {
      const set = indices.map((index) => candidates[index]!);
      if (!covers(set, quantities)) return;
      const distance = set.reduce((sum, warehouse) => sum + warehouse.distance, 0);
      const better =
        best === undefined ||
        distance < bestDistance ||
        (distance === bestDistance && idListsCompare(sortedIds(set), sortedIds(best)) < 0);
      if (better) {
        best = set;
        bestDistance = distance;
      }
    });
    if (best) return best;
  }
  return undefined;
}

function greedyCover(candidates: readonly Candidate[], quantities: readonly number[]): Candidate[] {
  const missing = [...quantities];
  const unused = [...candidates];
  let chosen: Candidate[] = [];
  while (missing.some((units) => units > 0)) {
    // Each line weighs the same however many units it has; ties go to the nearer warehouse, as
    // `unused` is nearest first and only a strictly larger share replaces the pick.
    let pick = -1;
    let pickShare = 0;
    unused.forEach((warehouse, index) => {
      let share = 0;
      missing.forEach((units, item) => {
        share += Math.min(units, warehouse.stock[item]!) / quantities[item]!;
      });
      if (share > pickShare) {
        pick = index;
        pickShare = share;
      }
    });
    if (pick === -1) throw new Error('split planner: stock ran out after the shortage check passed');
    const [warehouse] = unused.splice(pick, 1);
    chosen.push(warehouse!);
    missing.forEach((units, item) => {
      missing[item] = units - Math.min(units, warehouse!.stock[item]!);
    });
  }
  for (const warehouse of [...chosen].sort(nearestFirst).reverse()) {
    const without = chosen.filter((other) => other !== warehouse);
    if (covers(without, quantities)) chosen = without;
  }
  return chosen;
}

function allocate(chosen: readonly Candidate[], demand: Demand): Suborder[] {
  const byDistance = [...chosen].sort(nearestFirst);
  const linesByWarehouse = new Map<string, OrderLine[]>(chosen.map((w) => [w.warehouseId, []]));
  demand.itemIds.forEach((itemId, item) => {
    const requested = demand.quantities[item]!;
    const whole = byDistance.find((warehouse) => warehouse.stock[item]! >= requested);
    if (whole) {
      linesByWarehouse.get(whole.warehouseId)!.push({ itemId, quantity: requested });
      return;
    }
    let remaining = requested;
    for (const warehouse of byDistance) {
      const quantity = Math.min(remaining, warehouse.stock[item]!);
      if (quantity === 0) continue;
      linesByWarehouse.get(warehouse.warehouseId)!.push({ itemId, quantity });
      remaining -= quantity;
      if (remaining === 0) break;
    }
  });
  // Every chosen warehouse gets a line: the set is the smallest found or has no redundant member, so an
  // allocation leaving one out would have been a smaller cover.
  return [...linesByWarehouse]
    .sort(([a], [b]) => compareIds(a, b))
    .map(([warehouseId, lines]) => ({ warehouseId, lines }));
}
