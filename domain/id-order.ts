/**
 * The order of ids wherever a sort must be the same on every run: JS string order (UTF-16 code units),
 * pure, so workflow code may use it. Lock ordering that must agree with the database's `COLLATE "C"`
 * uses `compareBytewise` (db/byte-order.ts) instead; the two differ only beyond the BMP.
 */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
