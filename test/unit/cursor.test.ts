import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { compareBytewise } from '../../db/byte-order.js';
import {
  decodeCursor,
  encodeCursor,
  InvalidCursorError,
  MAX_CURSOR_LENGTH,
  mergeSortedPages,
} from '../../db/cursor.js';
import { randomInt, seededRandom } from '../../db/seeded-random.js';

const SECRET = 'unit-test-cursor-secret';
const BASE64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

interface OrderPosition {
  orderedAt: string;
  orderId: string;
}

function isOrderPosition(value: unknown): value is OrderPosition {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Record<string, unknown>)['orderedAt'] === 'string' &&
    typeof (value as Record<string, unknown>)['orderId'] === 'string'
  );
}

const isAnything = (value: unknown): value is unknown => true;

/** Signs an arbitrary payload the way the codec does, to build cursors with a valid tag but bad content. */
function signedCursor(payloadJson: string): string {
  const payload = Buffer.from(payloadJson, 'utf8').toString('base64url');
  const tag = createHmac('sha256', SECRET).update(payload).digest().subarray(0, 16).toString('base64url');
  return `${payload}.${tag}`;
}

function decodeFailure(run: () => unknown): InvalidCursorError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof InvalidCursorError, `expected InvalidCursorError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the cursor to be rejected');
}

describe('cursor codec', () => {
  const position: OrderPosition = { orderedAt: '2024-05-01T12:00:00.000Z', orderId: 'ord_0042' };

  it('round-trips positions of every JSON shape', () => {
    const positions: unknown[] = [
      position,
      { rank: 0.125, itemId: 'itm_9', nested: { list: [1, 'two', null, true] } },
      ['2024-01-01', 17],
      'plain string with ünïcödé and "quotes" and . dots',
      0,
      -1.5e300,
      false,
      null,
    ];
    for (const value of positions) {
      const cursor = encodeCursor('orders', value, SECRET);
      assert.match(cursor, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'cursor must be URL-safe');
      assert.deepEqual(decodeCursor('orders', cursor, isAnything, SECRET), value);
    }
  });

  it('returns the validated, typed position', () => {
    const decoded = decodeCursor('orders', encodeCursor('orders', position, SECRET), isOrderPosition, SECRET);
    assert.equal(decoded.orderId, 'ord_0042');
    assert.equal(decoded.orderedAt, '2024-05-01T12:00:00.000Z');
  });

  it('encodes the same position to the same cursor', () => {
    assert.equal(encodeCursor('orders', position, SECRET), encodeCursor('orders', position, SECRET));
    assert.notEqual(encodeCursor('orders', position, SECRET), encodeCursor('items', position, SECRET));
  });

  it('rejects every single-character change (or decodes it to the identical value)', () => {
    const cursor = encodeCursor('orders', position, SECRET);
    let attempts = 0;
    let rejected = 0;
    for (let index = 0; index < cursor.length; index++) {
      for (const replacement of `${BASE64URL_ALPHABET}.=+/ `) {
        if (replacement === cursor[index]) continue;
        const tampered = cursor.slice(0, index) + replacement + cursor.slice(index + 1);
        attempts++;
        try {
          assert.deepEqual(decodeCursor('orders', tampered, isOrderPosition, SECRET), position);
        } catch (error) {
          assert.ok(error instanceof InvalidCursorError, `flip at ${index} threw ${String(error)}`);
          rejected++;
        }
      }
    }
    assert.equal(attempts, cursor.length * 68);
    // Tags are compared as text, so even flips that only touch the spare bits of the last character fail.
    assert.equal(rejected, attempts);
  });

  it('rejects every truncation', () => {
    const cursor = encodeCursor('orders', position, SECRET);
    for (let length = 0; length < cursor.length; length++) {
      decodeFailure(() => decodeCursor('orders', cursor.slice(0, length), isOrderPosition, SECRET));
      decodeFailure(() =>
        decodeCursor('orders', cursor.slice(cursor.length - length), isOrderPosition, SECRET),
      );
    }
  });

  it('rejects a cursor issued for another listing', () => {
    const cursor = encodeCursor('items', position, SECRET);
    assert.equal(
      decodeFailure(() => decodeCursor('orders', cursor, isOrderPosition, SECRET)).reason,
      'wrong-kind',
    );
  });

  it('rejects a cursor signed with another secret', () => {
    const cursor = encodeCursor('orders', position, 'some-other-secret');
    assert.equal(
      decodeFailure(() => decodeCursor('orders', cursor, isOrderPosition, SECRET)).reason,
      'tampered',
    );
  });

  it('accepts a binary secret and tells it apart from others', () => {
    const key = Uint8Array.from({ length: 32 }, (_, i) => i);
    const cursor = encodeCursor('orders', position, key);
    assert.deepEqual(decodeCursor('orders', cursor, isOrderPosition, key), position);
    const otherKey = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
    assert.equal(
      decodeFailure(() => decodeCursor('orders', cursor, isOrderPosition, otherKey)).reason,
      'tampered',
    );
  });

  it('rejects a position the listing does not accept', () => {
    const cursor = encodeCursor('orders', { orderedAt: 17 }, SECRET);
    assert.equal(
      decodeFailure(() => decodeCursor('orders', cursor, isOrderPosition, SECRET)).reason,
      'invalid-position',
    );
  });

  it('rejects garbage as malformed', () => {
    const valid = encodeCursor('orders', position, SECRET);
    const garbage: unknown[] = [
      '',
      '.',
      '..',
      'abc',
      'abc.',
      '.abc',
      'a.b.c',
      `${valid}.${valid}`,
      `${valid}=`,
      'eyJ2IjoxfQ==.AAAA',
      'a'.repeat(MAX_CURSOR_LENGTH + 1),
      undefined,
      null,
      42,
      ['a.b'],
      { cursor: valid },
    ];
    for (const raw of garbage) {
      const error = decodeFailure(() => decodeCursor('orders', raw, isOrderPosition, SECRET));
      assert.ok(
        error.reason === 'malformed' || error.reason === 'tampered',
        `${String(raw)}: ${error.reason}`,
      );
    }
    assert.equal(
      decodeFailure(() => decodeCursor('orders', 'abc', isOrderPosition, SECRET)).reason,
      'malformed',
    );
  });

  it('rejects correctly signed payloads of the wrong shape', () => {
    for (const payload of [
      'not json',
      '[]',
      'null',
      '"orders"',
      '{"v":2,"k":"orders","p":{}}',
      '{"k":"orders","p":{}}',
      '{"v":1,"p":{}}',
      '{"v":1,"k":7,"p":{}}',
      '{"v":1,"k":"orders"}',
    ]) {
      const error = decodeFailure(() => decodeCursor('orders', signedCursor(payload), isAnything, SECRET));
      assert.equal(error.reason, 'malformed', payload);
    }
    // The same signing helper produces cursors the codec accepts, so the rejections above are about content.
    assert.deepEqual(
      decodeCursor('orders', signedCursor('{"v":1,"k":"orders","p":[1]}'), isAnything, SECRET),
      [1],
    );
  });

  it('is an Error that can be mapped to HTTP 400 by type', () => {
    const raw = '<script>alert(1)</script>';
    const error = decodeFailure(() => decodeCursor('orders', raw, isOrderPosition, SECRET));
    assert.ok(error instanceof Error);
    assert.equal(error.name, 'InvalidCursorError');
    assert.ok(!error.message.includes('script'), 'the message must not echo client input');
  });

  it('refuses to encode without a kind, a position or a secret', () => {
    assert.throws(() => encodeCursor('', position, SECRET), TypeError);
    assert.throws(() => encodeCursor('orders', undefined, SECRET), TypeError);
    assert.throws(() => encodeCursor('orders', position, ''), TypeError);
    assert.throws(() => decodeCursor('orders', 'a.b', isOrderPosition, new Uint8Array()), TypeError);
  });
});

describe('mergeSortedPages', () => {
  const byNumber = (a: number, b: number) => a - b;

  it('matches a sort of the concatenation on random pages of unique keys', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const random = seededRandom(seed);
      const all = new Set<number>();
      const size = randomInt(random, 0, 60);
      while (all.size < size) all.add(randomInt(random, -1000, 1000));
      const pages: number[][] = Array.from({ length: randomInt(random, 0, 6) }, () => []);
      if (pages.length === 0) all.clear();
      for (const value of all) pages[randomInt(random, 0, pages.length - 1)]!.push(value);
      for (const page of pages) page.sort(byNumber);

      const expected = pages.flat().sort(byNumber);
      for (const limit of [0, 1, randomInt(random, 0, 70), expected.length, expected.length + 5]) {
        const merged = mergeSortedPages(pages, byNumber, limit);
        assert.deepEqual(merged, expected.slice(0, limit), `seed ${seed}, limit ${limit}`);
        assert.equal(new Set(merged).size, merged.length, 'no duplicates');
      }
    }
  });

  it('is stable: equal rows keep page order, then in-page order', () => {
    interface Row {
      key: number;
      page: number;
      index: number;
    }
    const byKey = (a: Row, b: Row) => a.key - b.key;
    for (let seed = 1; seed <= 200; seed++) {
      const random = seededRandom(seed * 7919);
      const pages: Row[][] = Array.from({ length: randomInt(random, 1, 5) }, (_, page) => {
        const keys = Array.from({ length: randomInt(random, 0, 15) }, () => randomInt(random, 0, 5)).sort(
          byNumber,
        );
        return keys.map((key, index) => ({ key, page, index }));
      });
      // Array.prototype.sort is stable, and the concatenation lists pages in order.
      const expected = pages.flat().sort(byKey);
      const limit = randomInt(random, 0, expected.length);
      assert.deepEqual(mergeSortedPages(pages, byKey, limit), expected.slice(0, limit), `seed ${seed}`);
    }
  });

  it('does not modify its input', () => {
    const pages = [
      [1, 4],
      [2, 3],
    ];
    assert.deepEqual(mergeSortedPages(pages, byNumber, 3), [1, 2, 3]);
    assert.deepEqual(pages, [
      [1, 4],
      [2, 3],
    ]);
  });

  it('rejects a limit that is not a non-negative integer', () => {
    for (const bad of [-1, 1.5, Number.NaN])
      assert.throws(() => mergeSortedPages([[1]], byNumber, bad), RangeError);
  });
});

describe('keyset pagination across shards', () => {
  interface OrderRow {
    orderId: string;
    orderedAt: string;
    shard: number;
  }
  const PAGE_SIZE = 7;
  const SHARD_COUNT = 3;

  /** Newest first: orderedAt descending, then orderId descending (unique). */
  function newestFirst(a: OrderPosition, b: OrderPosition): number {
    return compareBytewise(b.orderedAt, a.orderedAt) || compareBytewise(b.orderId, a.orderId);
  }

  function makeShards(seed: number, rowCount: number): OrderRow[][] {
    const random = seededRandom(seed);
    const shards: OrderRow[][] = Array.from({ length: SHARD_COUNT }, () => []);
    for (let i = 0; i < rowCount; i++) {
      // Few distinct timestamps, so ties on orderedAt cross page and shard boundaries.
      const minute = String(randomInt(random, 0, 9)).padStart(2, '0');
      const shard = randomInt(random, 0, SHARD_COUNT - 1);
      shards[shard]!.push({
        orderId: `ord_${String(i).padStart(5, '0')}`,
        orderedAt: `2024-05-01T12:${minute}Z`,
        shard,
      });
    }
    for (const rows of shards) rows.sort(newestFirst);
    return shards;
  }

  /** What one shard answers: `WHERE (ordered_at, order_id) < ($1, $2) ORDER BY … DESC LIMIT $3`. */
  function queryShard(
    rows: readonly OrderRow[],
    after: OrderPosition | undefined,
    limit: number,
  ): OrderRow[] {
    return rows.filter((row) => after === undefined || newestFirst(row, after) > 0).slice(0, limit);
  }

  function fetchPage(shards: readonly OrderRow[][], cursor: string | undefined) {
    const after = cursor === undefined ? undefined : decodeCursor('orders', cursor, isOrderPosition, SECRET);
    const pages = shards.map((rows) => queryShard(rows, after, PAGE_SIZE + 1));
    const merged = mergeSortedPages(pages, newestFirst, PAGE_SIZE + 1);
    const rows = merged.slice(0, PAGE_SIZE);
    const last = rows.at(-1);
    const nextCursor =
      merged.length > PAGE_SIZE && last
        ? encodeCursor('orders', { orderedAt: last.orderedAt, orderId: last.orderId }, SECRET)
        : undefined;
    return { rows, nextCursor };
  }

  function walkAllPages(shards: readonly OrderRow[][]): OrderRow[][] {
    const pages: OrderRow[][] = [];
    let cursor: string | undefined;
    do {
      const page = fetchPage(shards, cursor);
      pages.push(page.rows);
      cursor = page.nextCursor;
      assert.ok(pages.length <= 1000, 'the walk does not terminate');
    } while (cursor !== undefined);
    return pages;
  }

  for (const rowCount of [0, 1, PAGE_SIZE, PAGE_SIZE * 6, 50, 101, 250]) {
    it(`returns each of ${rowCount} rows from ${SHARD_COUNT} shards exactly once, in order`, () => {
      for (let seed = 1; seed <= 5; seed++) {
        const shards = makeShards(seed * 1000 + rowCount, rowCount);
        const expected = shards.flat().sort(newestFirst);
        const pages = walkAllPages(shards);

        assert.deepEqual(pages.flat(), expected, `seed ${seed}`);
        assert.equal(pages.length, Math.max(1, Math.ceil(rowCount / PAGE_SIZE)), 'page count');
        for (const page of pages.slice(0, -1))
          assert.equal(page.length, PAGE_SIZE, 'only the last page is short');
        if (rowCount > 0) assert.ok(pages.at(-1)!.length > 0, 'no empty trailing page');
        if (rowCount >= 50) {
          assert.ok(
            shards.every((rows) => rows.length > 0),
            'every shard holds rows, so pages really are merged',
          );
        }
      }
    });
  }

  it('works when one shard holds nothing', () => {
    const shards = makeShards(42, 60);
    shards[1] = [];
    const pages = walkAllPages(shards);
    assert.deepEqual(pages.flat(), shards.flat().sort(newestFirst));
  });

  it('rejects a cursor from another listing mid-walk', () => {
    const shards = makeShards(7, 30);
    const first = fetchPage(shards, undefined);
    assert.ok(first.nextCursor);
    const itemsCursor = encodeCursor(
      'items',
      decodeCursor('orders', first.nextCursor, isOrderPosition, SECRET),
      SECRET,
    );
    assert.throws(() => fetchPage(shards, itemsCursor), InvalidCursorError);
  });
});
