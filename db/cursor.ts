import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Opaque pagination cursors: `<payload>.<tag>`, both base64url. The payload is JSON
 * `{v: 1, k: kind, p: position}`; the tag is HMAC-SHA256 over the payload text, cut to 128 bits.
 *
 * Why an HMAC rather than a CRC: a CRC only catches accidents, so clients could hand-craft positions
 * and the cursor format would become a public API we could never change. With a keyed tag the only
 * cursors we ever decode are ones we issued, and the key (derived from a secret every API process
 * shares) keeps them valid across processes and restarts.
 */

export type CursorSecret = string | Uint8Array;

export type InvalidCursorReason = 'malformed' | 'tampered' | 'wrong-kind' | 'invalid-position';

/** The client sent a cursor we did not issue (or not for this listing): answer HTTP 400. */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
  readonly reason: InvalidCursorReason;

  constructor(reason: InvalidCursorReason, message: string) {
    super(message);
    this.reason = reason;
  }
}

const FORMAT_VERSION = 1;
const TAG_BYTES = 16;
/** Positions are a few keys; anything longer is not one of ours. */
export const MAX_CURSOR_LENGTH = 2048;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

function tagFor(payload: string, secret: CursorSecret): string {
  return createHmac('sha256', secret)
    .update(payload, 'ascii')
    .digest()
    .subarray(0, TAG_BYTES)
    .toString('base64url');
}

function assertUsableSecret(secret: CursorSecret): void {
  if (secret.length === 0) throw new TypeError('cursor secret must not be empty');
}

/** `position` must survive a JSON round trip (plain objects, arrays, strings, finite numbers, booleans, null). */
export function encodeCursor(kind: string, position: unknown, secret: CursorSecret): string {
  assertUsableSecret(secret);
  if (kind.length === 0) throw new TypeError('cursor kind must not be empty');
  if (position === undefined) throw new TypeError('cursor position must not be undefined');
  const payload = Buffer.from(JSON.stringify({ v: FORMAT_VERSION, k: kind, p: position }), 'utf8').toString(
    'base64url',
  );
  return `${payload}.${tagFor(payload, secret)}`;
}

export function decodeCursor<T>(
  kind: string,
  raw: unknown,
  isPosition: (value: unknown) => value is T,
  secret: CursorSecret,
): T {
  assertUsableSecret(secret);
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_CURSOR_LENGTH) {
    throw new InvalidCursorError('malformed', 'cursor is not a string of acceptable length');
  }
  const parts = raw.split('.');
  const [payload, tag] = parts;
  if (parts.length !== 2 || !payload || !tag || !BASE64URL.test(payload) || !BASE64URL.test(tag)) {
    throw new InvalidCursorError('malformed', 'cursor is not in the expected format');
  }

  // Compare the text of the tags, not decoded bytes: base64url decoding ignores the spare bits of the
  // last character, so two different strings can decode to the same bytes.
  const expected = Buffer.from(tagFor(payload, secret), 'ascii');
  const given = Buffer.from(tag, 'ascii');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new InvalidCursorError('tampered', 'cursor failed its integrity check');
  }

  let envelope: unknown;
  try {
    envelope = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('malformed', 'cursor payload is not JSON');
  }
  if (
    typeof envelope !== 'object' ||
    envelope === null ||
    !('v' in envelope) ||
    envelope.v !== FORMAT_VERSION ||
    !('k' in envelope) ||
    typeof envelope.k !== 'string' ||
    !('p' in envelope)
  ) {
    throw new InvalidCursorError('malformed', 'cursor payload has an unknown shape');
  }
  if (envelope.k !== kind) {
    throw new InvalidCursorError('wrong-kind', `cursor belongs to another listing, not ${kind}`);
  }
  if (!isPosition(envelope.p)) {
    throw new InvalidCursorError('invalid-position', 'cursor position is not valid for this listing');
  }
  return envelope.p;
}

/** A check of a decoded position: an object whose every field passes its own check, in the order given. */
export function positionGuard<T extends object>(
  checks: {
    [K in keyof T]: (field: unknown) => boolean;
  },
): (value: unknown) => value is T {
  const fieldChecks: [string, (field: unknown) => boolean][] = Object.entries(checks);
  return (value): value is T => {
    if (typeof value !== 'object' || value === null) return false;
    const fields = value as Record<string, unknown>;
    return fieldChecks.every(([key, check]) => check(fields[key]));
  };
}

/**
 * K-way merge of pages that are each sorted by `compare` (ascending in `compare`'s sense): the first
 * `limit` rows of their union, in order. Rows that compare equal keep page order, then in-page order.
 *
 * Scatter-gather paging: ask every shard for the rows after the cursor's keyset position, at most `limit`
 * each (or `limit + 1` to learn whether another page exists), merge, and build the next cursor from the
 * last row returned. With a unique sort key no row is repeated or skipped across pages.
 */
export function mergeSortedPages<T>(
  pages: readonly (readonly T[])[],
  compare: (a: T, b: T) => number,
  limit: number,
): T[] {
  if (!Number.isInteger(limit) || limit < 0)
    throw new RangeError(`limit must be a non-negative integer: ${limit}`);
  // A linear scan of the page heads beats a heap for the handful of shards we merge.
  const heads = pages.map(() => 0);
  const merged: T[] = [];
  while (merged.length < limit) {
    let bestPage = -1;
    for (let page = 0; page < pages.length; page++) {
      const rows = pages[page]!;
      const head = heads[page]!;
      if (head >= rows.length) continue;
      if (bestPage === -1 || compare(rows[head]!, pages[bestPage]![heads[bestPage]!]!) < 0) bestPage = page;
    }
    if (bestPage === -1) break;
    merged.push(pages[bestPage]![heads[bestPage]!]!);
    heads[bestPage] = heads[bestPage]! + 1;
  }
  return merged;
}
