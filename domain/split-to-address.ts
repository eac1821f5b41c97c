/** The warehouse split of an order shipping to an address. Pure, like the planner: runs in workflow code. */
import { centroid, destinationOf } from './destinations.js';
import type { OrderLine } from './order-lines.js';
import {
  planSplit,
  type SplitPlan,
  type WarehouseAvailability,
  type WarehouseLocation,
} from './split-planner.js';

/**
 * The split of `lines` shipped to `address`, from these warehouses and their availability: aimed at the
 * address's coordinates, or at the middle of the warehouses when the address is not on the map.
 */
export function planSplitTo(
  address: { country: string; postalCode: string },
  lines: readonly OrderLine[],
  stock: { warehouses: readonly WarehouseLocation[]; availability: readonly WarehouseAvailability[] },
): SplitPlan {
  const { warehouses, availability } = stock;
  return planSplit({
    lines,
    availability,
    warehouses,
    destination: destinationOf(address) ?? centroid(warehouses),
  });
}
