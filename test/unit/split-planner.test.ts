import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { randomInt, seededRandom } from '../../db/seeded-random.js';
import { compareIds } from '../../domain/id-order.js';
import type { OrderLine, ShortLine } from '../../domain/order-lines.js';
import {
  distanceMetres,
  type GeoPoint,
  planSplit,
  type SplitPlan,
  type SplitRequest,
  type Suborder,
  type WarehouseAvailability,
  type WarehouseLocation,
} from '../../domain/split-planner.js';

function shuffled<T>(values: readonly T[], random: () => number): T[] {
  const copy = [...values];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = randomInt(random, 0, i);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

const ORIGIN: GeoPoint = { latitude: 0, longitude: 0 };

/** A warehouse `degrees` north of ORIGIN: farther ones have larger `degrees`. */
function warehouseNorth(warehouseId: string, degrees: number): WarehouseLocation {
  return { warehouseId, latitude: degrees, longitude: 0 };
}

function stock(warehouseId: string, entries: Record<string, number>): WarehouseAvailability[] {
  return Object.entries(entries).map(([itemId, available]) => ({ warehouseId, itemId, available }));
}

function suborders(plan: SplitPlan): readonly Suborder[] {
  assert.ok(plan.ok, `expected a plan, got unfulfillable ${JSON.stringify(plan)}`);
  return plan.suborders;
}

function unfulfillable(plan: SplitPlan): readonly ShortLine[] {
  assert.ok(!plan.ok, `expected unfulfillable, got ${JSON.stringify(plan)}`);
  return plan.unfulfillable;
}

function requestedByItem(lines: readonly OrderLine[]): Map<string, number> {
  const requested = new Map<string, number>();
  for (const line of lines) requested.set(line.itemId, (requested.get(line.itemId) ?? 0) + line.quantity);
  return requested;
}

function availableIn(request: SplitRequest, warehouseId: string, itemId: string): number {
  return (
    request.availability.find((row) => row.warehouseId === warehouseId && row.itemId === itemId)?.available ??
    0
  );
}

/** Every invariant a plan must keep, whatever the policy. */
function assertValidPlan(request: SplitRequest, plan: readonly Suborder[]): void {
  const requested = requestedByItem(request.lines);
  const allocated = new Map<string, number>();
  const warehouseIds = plan.map((suborder) => suborder.warehouseId);
  assert.deepEqual(warehouseIds, [...warehouseIds].sort(), 'suborders sorted by warehouse id');
  assert.equal(new Set(warehouseIds).size, warehouseIds.length, 'one suborder per warehouse');
  for (const suborder of plan) {
    assert.ok(suborder.lines.length > 0, `suborder of ${suborder.warehouseId} is empty`);
    const itemIds = suborder.lines.map((line) => line.itemId);
    assert.deepEqual(itemIds, [...itemIds].sort(), 'lines sorted by item id');
    assert.equal(new Set(itemIds).size, itemIds.length, 'an item appears once per suborder');
    for (const { itemId, quantity } of suborder.lines) {
      assert.ok(Number.isInteger(quantity) && quantity > 0, `quantity ${quantity}`);
      assert.ok(requested.has(itemId), `${itemId} was not ordered`);
      assert.ok(
        quantity <= availableIn(request, suborder.warehouseId, itemId),
        `${suborder.warehouseId} ships ${quantity} of ${itemId}, more than it has`,
      );
      allocated.set(itemId, (allocated.get(itemId) ?? 0) + quantity);
    }
  }
  assert.deepEqual(allocated, requested, 'allocated quantities per item equal the order');
}

function totalDistance(request: SplitRequest, warehouseIds: readonly string[]): number {
  return warehouseIds.reduce((sum, id) => {
    const warehouse = request.warehouses.find((w) => w.warehouseId === id)!;
    return sum + distanceMetres(warehouse, request.destination);
  }, 0);
}

function canServe(request: SplitRequest, warehouseIds: readonly string[]): boolean {
  for (const [itemId, quantity] of requestedByItem(request.lines)) {
    const held = warehouseIds.reduce((sum, id) => sum + availableIn(request, id, itemId), 0);
    if (held < quantity) return false;
  }
  return true;
}

/** The smallest number of warehouses that can serve the order, and the least total distance at that size. */
function bruteForceOptimum(request: SplitRequest): { size: number; distance: number } | undefined {
  const ids = request.warehouses.map((w) => w.warehouseId);
  let best: { size: number; distance: number } | undefined;
  for (let mask = 1; mask < 1 << ids.length; mask++) {
    const subset = ids.filter((_, i) => mask & (1 << i));
    if (!canServe(request, subset)) continue;
    const distance = totalDistance(request, subset);
    if (!best || subset.length < best.size || (subset.length === best.size && distance < best.distance)) {
      best = { size: subset.length, distance };
    }
  }
  return best;
}

function expectedShortLines(request: SplitRequest): ShortLine[] {
  return [...requestedByItem(request.lines)]
    .map(([itemId, requested]) => ({
      itemId,
      requested,
      available: request.availability
        .filter((row) => row.itemId === itemId)
        .reduce((s, r) => s + r.available, 0),
    }))
    .filter((line) => line.available < line.requested)
    .sort((a, b) => compareIds(a.itemId, b.itemId));
}

function randomSmallRequest(seed: number): SplitRequest {
  const random = seededRandom(seed);
  const itemCount = randomInt(random, 1, 5);
  const warehouseCount = randomInt(random, 1, 6);
  const lines: OrderLine[] = Array.from({ length: randomInt(random, 1, 6) }, () => ({
    itemId: `item-${randomInt(random, 0, itemCount - 1)}`,
    quantity: randomInt(random, 1, 6),
  }));
  const warehouses = Array.from({ length: warehouseCount }, (_, w) => ({
    warehouseId: `wh-${w}`,
    // Whole degrees make equal distances (and so tie-breaks) common.
    latitude: randomInt(random, -3, 3),
    longitude: randomInt(random, -3, 3),
  }));
  const availability: WarehouseAvailability[] = [];
  for (const { warehouseId } of warehouses) {
    for (let item = 0; item < itemCount; item++) {
      if (random() < 0.6)
        availability.push({ warehouseId, itemId: `item-${item}`, available: randomInt(random, 0, 7) });
    }
  }
  return { lines, availability, warehouses, destination: ORIGIN };
}

describe('planSplit', () => {
  it('ships from one warehouse when one holds the whole order', () => {
    const request: SplitRequest = {
      lines: [
        { itemId: 'book', quantity: 2 },
        { itemId: 'lamp', quantity: 1 },
      ],
      availability: [...stock('near', { book: 1, lamp: 5 }), ...stock('far', { book: 2, lamp: 1 })],
      warehouses: [warehouseNorth('near', 1), warehouseNorth('far', 20)],
      destination: ORIGIN,
    };
    assert.deepEqual(suborders(planSplit(request)), [
      {
        warehouseId: 'far',
        lines: [
          { itemId: 'book', quantity: 2 },
          { itemId: 'lamp', quantity: 1 },
        ],
      },
    ]);
  });

  it('chooses the nearer of two warehouses that can each ship everything', () => {
    const berlin: GeoPoint = { latitude: 52.52, longitude: 13.405 };
    const request: SplitRequest = {
      lines: [{ itemId: 'kettle', quantity: 3 }],
      availability: [...stock('munich', { kettle: 10 }), ...stock('hamburg', { kettle: 10 })],
      warehouses: [
        { warehouseId: 'munich', latitude: 48.1351, longitude: 11.582 },
        { warehouseId: 'hamburg', latitude: 53.5511, longitude: 9.9937 },
      ],
      destination: berlin,
    };
    assert.deepEqual(suborders(planSplit(request)), [
      { warehouseId: 'hamburg', lines: [{ itemId: 'kettle', quantity: 3 }] },
    ]);
    const inMunich = { ...request, destination: { latitude: 48.2, longitude: 11.6 } };
    assert.deepEqual(suborders(planSplit(inMunich)), [
      { warehouseId: 'munich', lines: [{ itemId: 'kettle', quantity: 3 }] },
    ]);
  });

  it('breaks an exact distance tie by the smaller warehouse id', () => {
    const request: SplitRequest = {
      lines: [{ itemId: 'kettle', quantity: 1 }],
      availability: [
        ...stock('wh-b', { kettle: 1 }),
        ...stock('wh-a', { kettle: 1 }),
        ...stock('wh-c', { kettle: 1 }),
      ],
      warehouses: [
        { warehouseId: 'wh-b', latitude: 0, longitude: 2 },
        { warehouseId: 'wh-a', latitude: 0, longitude: -2 },
        { warehouseId: 'wh-c', latitude: 2, longitude: 0 },
      ],
      destination: ORIGIN,
    };
    assert.equal(
      distanceMetres(request.warehouses[0]!, ORIGIN),
      distanceMetres(request.warehouses[1]!, ORIGIN),
    );
    assert.equal(suborders(planSplit(request))[0]!.warehouseId, 'wh-a');
  });

  it('breaks a tie in total distance between sets by their sorted warehouse ids', () => {
    // Only {wh-a, wh-b} and {wh-c, wh-d} can ship everything, and both lie 1 + 4 = 2 + 3 degrees away.
    const request: SplitRequest = {
      lines: ['a', 'b', 'c', 'd'].map((itemId) => ({ itemId, quantity: 1 })),
      availability: [
        ...stock('wh-a', { a: 1, b: 1 }),
        ...stock('wh-b', { c: 1, d: 1 }),
        ...stock('wh-c', { a: 1, c: 1 }),
        ...stock('wh-d', { b: 1, d: 1 }),
      ],
      warehouses: [
        warehouseNorth('wh-c', 1),
        warehouseNorth('wh-a', 2),
        warehouseNorth('wh-b', 3),
        warehouseNorth('wh-d', 4),
      ],
      destination: ORIGIN,
    };
    assert.equal(totalDistance(request, ['wh-a', 'wh-b']), totalDistance(request, ['wh-c', 'wh-d']));
    assert.deepEqual(
      suborders(planSplit(request)).map((s) => s.warehouseId),
      ['wh-a', 'wh-b'],
    );
  });

  it('prefers fewer shipments over nearer warehouses', () => {
    const request: SplitRequest = {
      lines: [
        { itemId: 'a', quantity: 1 },
        { itemId: 'b', quantity: 1 },
      ],
      availability: [
        ...stock('near-a', { a: 5 }),
        ...stock('near-b', { b: 5 }),
        ...stock('far', { a: 1, b: 1 }),
      ],
      warehouses: [warehouseNorth('near-a', 1), warehouseNorth('near-b', 1), warehouseNorth('far', 40)],
      destination: ORIGIN,
    };
    assert.deepEqual(
      suborders(planSplit(request)).map((s) => s.warehouseId),
      ['far'],
    );
  });

  it('splits into two suborders when no warehouse holds everything', () => {
    const lines = [
      { itemId: 'a', quantity: 2 },
      { itemId: 'b', quantity: 3 },
      { itemId: 'c', quantity: 1 },
    ];
    const request: SplitRequest = {
      lines,
      availability: [
        ...stock('w1', { a: 2, c: 4 }),
        ...stock('w2', { b: 9 }),
        ...stock('w3', { a: 1, b: 3 }),
        ...stock('w4', { b: 3, c: 1 }),
      ],
      warehouses: [
        warehouseNorth('w1', 1),
        warehouseNorth('w2', 2),
        warehouseNorth('w3', 3),
        warehouseNorth('w4', 4),
      ],
      destination: ORIGIN,
    };
    const plan = suborders(planSplit(request));
    assertValidPlan(request, plan);
    // {w1, w2} and {w1, w4} both work; w2 is nearer.
    assert.deepEqual(plan, [
      {
        warehouseId: 'w1',
        lines: [
          { itemId: 'a', quantity: 2 },
          { itemId: 'c', quantity: 1 },
        ],
      },
      { warehouseId: 'w2', lines: [{ itemId: 'b', quantity: 3 }] },
    ]);
  });

  it('among sets of the fewest warehouses, picks the least total distance', () => {
    const request: SplitRequest = {
      lines: [
        { itemId: 'a', quantity: 1 },
        { itemId: 'b', quantity: 1 },
      ],
      availability: [
        ...stock('a-far', { a: 1 }),
        ...stock('a-near', { a: 1 }),
        ...stock('b-near', { b: 1 }),
        ...stock('b-far', { b: 1 }),
      ],
      warehouses: [
        warehouseNorth('a-far', 30),
        warehouseNorth('a-near', 3),
        warehouseNorth('b-near', 4),
        warehouseNorth('b-far', 31),
      ],
      destination: ORIGIN,
    };
    assert.deepEqual(
      suborders(planSplit(request)).map((s) => s.warehouseId),
      ['a-near', 'b-near'],
    );
  });

  it('splits a single line across warehouses when none holds enough', () => {
    const request: SplitRequest = {
      lines: [{ itemId: 'chair', quantity: 10 }],
      availability: [
        ...stock('w1', { chair: 6 }),
        ...stock('w2', { chair: 7 }),
        ...stock('w3', { chair: 3 }),
      ],
      warehouses: [warehouseNorth('w1', 3), warehouseNorth('w2', 2), warehouseNorth('w3', 1)],
      destination: ORIGIN,
    };
    const plan = suborders(planSplit(request));
    assertValidPlan(request, plan);
    // {w1, w2} and {w2, w3} can both ship 10; {w2, w3} is nearer. Filled nearest first: w3, then w2.
    assert.deepEqual(plan, [
      { warehouseId: 'w2', lines: [{ itemId: 'chair', quantity: 7 }] },
      { warehouseId: 'w3', lines: [{ itemId: 'chair', quantity: 3 }] },
    ]);
  });

  it('ships a line whole from one chosen warehouse rather than splitting it', () => {
    const request: SplitRequest = {
      lines: [
        { itemId: 'a', quantity: 5 },
        { itemId: 'b', quantity: 5 },
      ],
      availability: [...stock('near', { a: 2, b: 5 }), ...stock('far', { a: 5 })],
      warehouses: [warehouseNorth('near', 1), warehouseNorth('far', 2)],
      destination: ORIGIN,
    };
    assert.deepEqual(suborders(planSplit(request)), [
      { warehouseId: 'far', lines: [{ itemId: 'a', quantity: 5 }] },
      { warehouseId: 'near', lines: [{ itemId: 'b', quantity: 5 }] },
    ]);
  });

  it('names exactly the lines that cannot be fulfilled, with requested and total available', () => {
    const request: SplitRequest = {
      lines: [
        { itemId: 'b', quantity: 3 },
        { itemId: 'a', quantity: 5 },
        { itemId: 'c', quantity: 1 },
        { itemId: 'a', quantity: 1 },
      ],
      availability: [...stock('w1', { a: 3, b: 3, c: 0 }), ...stock('w2', { a: 2, z: 100 })],
      warehouses: [warehouseNorth('w1', 1), warehouseNorth('w2', 2)],
      destination: ORIGIN,
    };
    assert.deepEqual(unfulfillable(planSplit(request)), [
      { itemId: 'a', requested: 6, available: 5 },
      { itemId: 'c', requested: 1, available: 0 },
    ]);
  });

  it('adds up repeated lines of the same item', () => {
    const request: SplitRequest = {
      lines: [
        { itemId: 'a', quantity: 2 },
        { itemId: 'a', quantity: 3 },
      ],
      availability: stock('w1', { a: 5 }),
      warehouses: [warehouseNorth('w1', 1)],
      destination: ORIGIN,
    };
    assert.deepEqual(suborders(planSplit(request)), [
      { warehouseId: 'w1', lines: [{ itemId: 'a', quantity: 5 }] },
    ]);
  });

  it('plans nothing for an empty order', () => {
    assert.deepEqual(planSplit({ lines: [], availability: [], warehouses: [], destination: ORIGIN }), {
      ok: true,
      suborders: [],
    });
  });

  it('finds the smallest cover where a greedy pick would not', () => {
    // Greedy takes `n` (4 items, nearest), then needs `q` for a and `s` for d: 3 shipments, none redundant.
    // `q` and `r` together hold everything.
    const request: SplitRequest = {
      lines: ['a', 'b', 'c', 'd', 'e', 'f'].map((itemId) => ({ itemId, quantity: 1 })),
      availability: [
        ...stock('n', { b: 1, c: 1, e: 1, f: 1 }),
        ...stock('q', { a: 1, b: 1, c: 1, f: 1 }),
        ...stock('r', { b: 1, d: 1, e: 1, f: 1 }),
        ...stock('s', { d: 1 }),
      ],
      warehouses: [
        warehouseNorth('n', 1),
        warehouseNorth('q', 2),
        warehouseNorth('s', 3),
        warehouseNorth('r', 4),
      ],
      destination: ORIGIN,
    };
    const exact = suborders(planSplit(request));
    assertValidPlan(request, exact);
    assert.deepEqual(
      exact.map((s) => s.warehouseId),
      ['q', 'r'],
    );

    const greedy = suborders(planSplit(request, { maxExactSubsets: 0 }));
    assertValidPlan(request, greedy);
    assert.deepEqual(
      greedy.map((s) => s.warehouseId),
      ['n', 'q', 's'],
    );
  });

  it('falls back to a valid greedy plan when the exact search is over budget', () => {
    // 20 warehouses, each the only holder of one item: 20 suborders, far beyond C(20, k) budgets.
    const warehouses = Array.from({ length: 20 }, (_, w) =>
      warehouseNorth(`wh-${String(w).padStart(2, '0')}`, w),
    );
    const request: SplitRequest = {
      lines: warehouses.map((_, i) => ({ itemId: `item-${i}`, quantity: 2 })),
      availability: warehouses.flatMap(({ warehouseId }, w) => [
        { warehouseId, itemId: `item-${w}`, available: 2 },
        { warehouseId, itemId: `item-${(w + 1) % 20}`, available: 1 },
      ]),
      warehouses,
      destination: ORIGIN,
    };
    const plan = suborders(planSplit(request));
    assertValidPlan(request, plan);
    assert.equal(plan.length, 20);
  });

  describe('on seeded random orders', () => {
    const CASES = 400;

    it(`keeps every invariant and uses the fewest, then nearest, warehouses (${CASES} cases, brute force)`, () => {
      let fulfilled = 0;
      let splits = 0;
      for (let seed = 1; seed <= CASES; seed++) {
        const request = randomSmallRequest(seed);
        const plan = planSplit(request);
        const optimum = bruteForceOptimum(request);
        if (!optimum) {
          assert.deepEqual(unfulfillable(plan), expectedShortLines(request), `seed ${seed}`);
          continue;
        }
        const chosen = suborders(plan);
        assertValidPlan(request, chosen);
        const ids = chosen.map((s) => s.warehouseId);
        assert.equal(chosen.length, optimum.size, `seed ${seed}: a plan with fewer suborders exists`);
        assert.equal(totalDistance(request, ids), optimum.distance, `seed ${seed}: a nearer set exists`);
        fulfilled++;
        if (chosen.length > 1) splits++;
      }
      // The generator must exercise every branch for the assertions above to mean something.
      assert.ok(fulfilled > CASES * 0.2, `only ${fulfilled} fulfillable cases`);
      assert.ok(CASES - fulfilled > CASES * 0.1, `only ${CASES - fulfilled} unfulfillable cases`);
      assert.ok(splits > CASES * 0.05, `only ${splits} split orders`);
    });

    it(`gives the same plan for any ordering of its input (${CASES} cases)`, () => {
      for (let seed = 1; seed <= CASES; seed++) {
        const request = randomSmallRequest(seed);
        const random = seededRandom(seed + 1_000_000);
        const reordered: SplitRequest = {
          lines: shuffled(request.lines, random),
          availability: shuffled(request.availability, random),
          warehouses: shuffled(request.warehouses, random),
          destination: request.destination,
        };
        assert.deepEqual(planSplit(reordered), planSplit(request), `seed ${seed}`);
      }
    });

    it(`greedy plans are valid and have no redundant warehouse (${CASES} cases)`, () => {
      for (let seed = 1; seed <= CASES; seed++) {
        const request = randomSmallRequest(seed);
        const optimum = bruteForceOptimum(request);
        if (!optimum) continue;
        const plan = suborders(planSplit(request, { maxExactSubsets: 0 }));
        assertValidPlan(request, plan);
        assert.ok(plan.length >= optimum.size);
        const ids = plan.map((s) => s.warehouseId);
        for (const dropped of ids) {
          assert.ok(
            !canServe(
              request,
              ids.filter((id) => id !== dropped),
            ),
            `seed ${seed}: ${dropped} is redundant`,
          );
        }
      }
    });

    it('plans realistic orders (50 lines, 20 warehouses) validly and quickly', () => {
      let fulfilled = 0;
      for (let seed = 1; seed <= 20; seed++) {
        const random = seededRandom(seed * 31);
        const warehouses = Array.from({ length: 20 }, (_, w) => ({
          warehouseId: `wh-${String(w).padStart(2, '0')}`,
          latitude: random() * 120 - 60,
          longitude: random() * 360 - 180,
        }));
        const lines = Array.from({ length: 50 }, (_, i) => ({
          itemId: `item-${i}`,
          quantity: randomInt(random, 1, 4),
        }));
        const availability = warehouses.flatMap(({ warehouseId }) =>
          lines
            .filter(() => random() < 0.3)
            .map(({ itemId }) => ({ warehouseId, itemId, available: randomInt(random, 1, 6) })),
        );
        const request: SplitRequest = {
          lines,
          availability,
          warehouses,
          destination: { latitude: 48, longitude: 2 },
        };

        const started = performance.now();
        const plan = planSplit(request);
        const elapsed = performance.now() - started;
        assert.ok(elapsed < 2000, `seed ${seed} took ${Math.round(elapsed)} ms`);
        if (plan.ok) {
          assertValidPlan(request, plan.suborders);
          fulfilled++;
        } else {
          assert.deepEqual(plan.unfulfillable, expectedShortLines(request));
        }
      }
      assert.ok(fulfilled >= 15, `only ${fulfilled} of 20 realistic orders could be planned`);
    });
  });

  describe('invalid input', () => {
    const valid: SplitRequest = {
      lines: [{ itemId: 'a', quantity: 1 }],
      availability: stock('w1', { a: 1 }),
      warehouses: [warehouseNorth('w1', 1)],
      destination: ORIGIN,
    };

    it('accepts the baseline request', () => {
      assert.equal(planSplit(valid).ok, true);
    });

    const cases: [string, Partial<SplitRequest>, RegExp][] = [
      ['zero quantity', { lines: [{ itemId: 'a', quantity: 0 }] }, /positive integer/],
      ['negative quantity', { lines: [{ itemId: 'a', quantity: -2 }] }, /positive integer/],
      ['fractional quantity', { lines: [{ itemId: 'a', quantity: 1.5 }] }, /positive integer/],
      ['empty item id', { lines: [{ itemId: '', quantity: 1 }] }, /item id/],
      ['negative stock', { availability: stock('w1', { a: -1 }) }, /non-negative integer/],
      ['unknown warehouse', { availability: stock('w9', { a: 1 }) }, /unknown warehouse w9/],
      [
        'duplicate stock row',
        { availability: [...stock('w1', { a: 1 }), ...stock('w1', { a: 1 })] },
        /duplicate/,
      ],
      [
        'duplicate warehouse',
        { warehouses: [warehouseNorth('w1', 1), warehouseNorth('w1', 2)] },
        /duplicate/,
      ],
      ['latitude out of range', { warehouses: [warehouseNorth('w1', 91)] }, /coordinates/],
      ['destination not a number', { destination: { latitude: Number.NaN, longitude: 0 } }, /coordinates/],
    ];
    for (const [name, change, message] of cases) {
      it(`rejects ${name}`, () => {
        assert.throws(
          () => planSplit({ ...valid, ...change }),
          (error: unknown) => {
            assert.ok(error instanceof RangeError);
            assert.match(error.message, message);
            return true;
          },
        );
      });
    }

    it('rejects a negative or fractional search budget', () => {
      assert.throws(() => planSplit(valid, { maxExactSubsets: -1 }), RangeError);
      assert.throws(() => planSplit(valid, { maxExactSubsets: 0.5 }), RangeError);
    });
  });

  it('stays workflow-safe: imports only domain siblings, no clocks, randomness or locale-dependent comparison', () => {
    const seen = new Set<string>();
    const pending = ['split-planner.ts'];
    while (pending.length > 0) {
      const file = pending.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      const source = readFileSync(new URL(`../../domain/${file}`, import.meta.url), 'utf8');
      const withoutComments = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
      const siblingImport = /^import (?:type )?\{[^}]*\} from '\.\/([a-z-]+)\.js';$/gm;
      for (const [, sibling] of withoutComments.matchAll(siblingImport)) pending.push(`${sibling}.ts`);
      const code = withoutComments.replace(siblingImport, '');
      for (const forbidden of [
        /\bimport\b/,
        /\brequire\s*\(/,
        /\bDate\b/,
        /Math\.random/,
        /\bprocess\b/,
        /\bcrypto\b/,
        /\bperformance\b/,
        /setTimeout|setInterval/,
        /localeCompare|Intl\./,
      ]) {
        assert.doesNotMatch(code, forbidden, file);
      }
    }
    assert.ok(
      seen.has('id-order.ts') && seen.has('order-lines.ts'),
      'the siblings it imports are checked too',
    );
  });
});

describe('distanceMetres', () => {
  it('measures great-circle distance', () => {
    const berlin = { latitude: 52.52, longitude: 13.405 };
    const munich = { latitude: 48.1351, longitude: 11.582 };
    const metres = distanceMetres(berlin, munich);
    assert.ok(Math.abs(metres - 504_000) < 5_000, `Berlin–Munich ${metres} m`);
    assert.equal(distanceMetres(munich, berlin), metres);
    assert.equal(distanceMetres(berlin, berlin), 0);
    assert.equal(distanceMetres(ORIGIN, { latitude: 0, longitude: 180 }), Math.round(Math.PI * 6_371_008.8));
  });

  it('goes the short way across the antimeridian', () => {
    const east = { latitude: 0, longitude: 179.5 };
    const west = { latitude: 0, longitude: -179.5 };
    assert.ok(distanceMetres(east, west) < 112_000);
  });
});
