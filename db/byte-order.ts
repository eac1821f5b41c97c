/**
 * String order of `COLLATE "C"`: bytewise UTF-8, which is code point order. Keyset queries sort ids
 * that way on every shard, whatever the database locale, and merges must agree with them. (JS `<`
 * compares UTF-16 code units, which differs for characters beyond the BMP.)
 */
export function compareBytewise(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
