/**
 * Test rows sorted by an id the way the shards sort ids (`COLLATE "C"`: bytewise UTF-8, db/byte-order.ts),
 * so an expected list lines up with what a repository returns.
 */
import { compareBytewise } from '../../db/byte-order.js';

/** Ascending by the id `idOf` reads from each value, in the shards' order. */
export function bytewiseBy<T>(idOf: (value: T) => string): (a: T, b: T) => number {
  return (a, b) => compareBytewise(idOf(a), idOf(b));
}
