import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { DEFAULT_VIRTUAL_NODES, HashRing, shardIdForIndex } from '../../db/hash-ring.js';

const KEY_COUNT = 10_000;
const keys = Array.from({ length: KEY_COUNT }, (_, i) => `customer-${i}`);

function shardIds(count: number): string[] {
  return Array.from({ length: count }, (_, i) => shardIdForIndex(i));
}

function countPerShard(ring: HashRing, routed: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>(ring.shards.map((id) => [id, 0]));
  for (const key of routed) {
    const shard = ring.shardFor(key);
    counts.set(shard, (counts.get(shard) ?? 0) + 1);
  }
  return counts;
}

describe('HashRing', () => {
  describe('adding a shard', () => {
    for (const n of [2, 3, 4, 8]) {
      it(`moves about 1/${n + 1} of ${KEY_COUNT} keys from ${n} shards, all to the new shard`, () => {
        const before = new HashRing(shardIds(n));
        const newShard = shardIdForIndex(n);
        const after = before.withShard(newShard);

        let moved = 0;
        for (const key of keys) {
          const from = before.shardFor(key);
          const to = after.shardFor(key);
          if (from !== to) {
            moved++;
            assert.equal(to, newShard, `${key} moved from ${from} to ${to}, not to the new shard`);
          }
        }
        const expected = KEY_COUNT / (n + 1);
        assert.ok(
          Math.abs(moved - expected) <= expected * 0.35,
          `moved ${moved} keys, expected about ${Math.round(expected)}`,
        );
      });
    }
  });

  it('removing a shard moves only the keys it owned', () => {
    const before = new HashRing(shardIds(5));
    const after = before.withoutShard('shard-2');
    assert.deepEqual(after.shards, ['shard-0', 'shard-1', 'shard-3', 'shard-4']);

    let moved = 0;
    for (const key of keys) {
      const from = before.shardFor(key);
      const to = after.shardFor(key);
      assert.notEqual(to, 'shard-2');
      if (from === 'shard-2') moved++;
      else assert.equal(to, from, `${key} moved from ${from} although its shard stayed`);
    }
    assert.ok(moved > 0, 'the removed shard owned no keys');
  });

  it('spreads keys evenly: every shard within ±25% of a fair share', () => {
    for (const n of [2, 4, 8]) {
      const ring = new HashRing(shardIds(n));
      const counts = countPerShard(ring, keys);
      const fair = KEY_COUNT / n;
      assert.equal(counts.size, n);
      for (const [shard, count] of counts) {
        assert.ok(
          Math.abs(count - fair) <= fair * 0.25,
          `${shard} got ${count} of ${KEY_COUNT} keys with ${n} shards`,
        );
      }
    }
  });

  it('routes the same whatever order the shard ids are listed in', () => {
    const forward = new HashRing(['shard-0', 'shard-1', 'shard-2', 'shard-3']);
    const shuffled = new HashRing(['shard-2', 'shard-0', 'shard-3', 'shard-1']);
    for (const key of keys) assert.equal(shuffled.shardFor(key), forward.shardFor(key), key);
  });

  it('is a pure function of its inputs: two rings built alike route alike', () => {
    const a = new HashRing(shardIds(3), 40);
    const b = new HashRing(shardIds(3), 40);
    for (const key of keys.slice(0, 1000)) assert.equal(a.shardFor(key), b.shardFor(key));
  });

  it('routes identically in another process', () => {
    const routed = keys.slice(0, 300).concat(['', 'ünïcödé-ключ-鍵', 'a'.repeat(500)]);
    const ids = ['shard-0', 'shard-1', 'shard-2'];
    const modulePath = fileURLToPath(new URL('../../db/hash-ring.ts', import.meta.url));
    const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
    const childScript = `
      const { HashRing } = await import(process.argv[1]);
      let input = '';
      for await (const chunk of process.stdin) input += chunk;
      const { ids, keys } = JSON.parse(input);
      const ring = new HashRing(ids);
      process.stdout.write(JSON.stringify(keys.map((key) => ring.shardFor(key))));
    `;
    const output = execFileSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', childScript, modulePath],
      { cwd: repoRoot, input: JSON.stringify({ ids, keys: routed }), encoding: 'utf8' },
    );
    const inChild: unknown = JSON.parse(output);

    const ring = new HashRing(ids);
    const inProcess = routed.map((key) => ring.shardFor(key));
    assert.equal(new Set(inProcess).size, 3, 'the sample should reach every shard');
    assert.deepEqual(inChild, inProcess);
  });

  describe('pinned routing (fails if the hash or the ring layout changes)', () => {
    const ring = new HashRing(['shard-0', 'shard-1', 'shard-2', 'shard-3']);
    const golden: readonly [string, string][] = [
      ['', 'shard-3'],
      ['a', 'shard-3'],
      ['customer-1', 'shard-0'],
      ['customer-2', 'shard-1'],
      ['customer-3', 'shard-0'],
      ['item-1', 'shard-0'],
      ['item-2', 'shard-1'],
      ['item-3', 'shard-2'],
      ['item-42', 'shard-1'],
      ['cust_0001', 'shard-1'],
      ['7f9c2ba4-e88f-11ee-a2b6-0242ac120002', 'shard-1'],
      ['0b1e8e64-2c7a-4b8e-9a39-5f1c1d1e0c11', 'shard-2'],
      ['ünïcödé-ключ-鍵', 'shard-3'],
      ['order-999', 'shard-2'],
      ['x'.repeat(1000), 'shard-2'],
    ];

    it('maps known keys to known shards', () => {
      assert.deepEqual(
        golden.map(([key]) => [key, ring.shardFor(key)]),
        golden,
      );
    });

    it(`spreads ${KEY_COUNT} known keys exactly as recorded`, () => {
      assert.deepEqual(Object.fromEntries(countPerShard(ring, keys)), {
        'shard-0': 2402,
        'shard-1': 2292,
        'shard-2': 2495,
        'shard-3': 2811,
      });
    });

    it('honours the virtual node count', () => {
      const coarse = new HashRing(['shard-0', 'shard-1', 'shard-2'], 8);
      assert.equal(coarse.virtualNodes, 8);
      assert.deepEqual(
        ['item-1', 'item-2', 'item-3', 'item-4', 'item-5', 'item-6', 'item-7', 'item-8'].map((key) =>
          coarse.shardFor(key),
        ),
        ['shard-0', 'shard-1', 'shard-0', 'shard-2', 'shard-1', 'shard-0', 'shard-0', 'shard-1'],
      );
    });
  });

  it('gives a key that hashes exactly onto a virtual node to that node’s shard', () => {
    // Virtual node labels are `${shardId}#${replica}`, so those strings hash exactly onto ring points.
    const ring = new HashRing(shardIds(4));
    for (const id of ring.shards) {
      for (let replica = 0; replica < DEFAULT_VIRTUAL_NODES; replica += 17) {
        assert.equal(ring.shardFor(`${id}#${replica}`), id);
      }
    }
  });

  it('matches a plain reference model, including keys past the last point that wrap around', () => {
    // Reference: every virtual node's position is the first 48 bits of md5(`${shardId}#${replica}`); a key
    // belongs to the first point at or after its own position, or to the lowest point when there is none.
    const position = (value: string) => createHash('md5').update(value).digest().readUIntBE(0, 6);
    const ids = ['shard-0', 'shard-1', 'shard-2'];
    const virtualNodes = 3;
    const points = ids
      .flatMap((id) => Array.from({ length: virtualNodes }, (_, r) => ({ at: position(`${id}#${r}`), id })))
      .sort((a, b) => a.at - b.at);
    const ring = new HashRing(ids, virtualNodes);

    let wrapped = 0;
    for (const key of keys.slice(0, 3000)) {
      const at = position(key);
      const successor = points.find((point) => point.at >= at);
      if (!successor) wrapped++;
      assert.equal(ring.shardFor(key), (successor ?? points[0]!).id, key);
    }
    assert.ok(wrapped > 0, 'no sampled key fell past the last point');
    assert.notEqual(points[0]!.id, points.at(-1)!.id, 'the wrap-around must change the owner to be tested');
  });

  it('sends every key to the only shard of a one-shard ring', () => {
    const ring = new HashRing(['shard-0']);
    for (const key of keys.slice(0, 500)) assert.equal(ring.shardFor(key), 'shard-0');
  });

  it('is immutable: withShard returns a new ring and leaves the old one as it was', () => {
    const ring = new HashRing(['shard-0', 'shard-1']);
    const grown = ring.withShard('shard-2');
    assert.deepEqual(ring.shards, ['shard-0', 'shard-1']);
    assert.deepEqual(grown.shards, ['shard-0', 'shard-1', 'shard-2']);
    assert.equal(grown.virtualNodes, ring.virtualNodes);
    assert.ok(Object.isFrozen(ring.shards));
  });

  describe('invalid input', () => {
    it('rejects an empty shard list', () => {
      assert.throws(() => new HashRing([]), RangeError);
    });

    it('rejects duplicate shard ids', () => {
      assert.throws(() => new HashRing(['shard-0', 'shard-1', 'shard-0']), /duplicate shard id: shard-0/);
      assert.throws(() => new HashRing(['shard-0']).withShard('shard-0'), /duplicate shard id/);
    });

    it('rejects empty or non-string shard ids', () => {
      assert.throws(() => new HashRing(['shard-0', '']), RangeError);
      assert.throws(() => new HashRing(['shard-0', 7 as unknown as string]), RangeError);
    });

    it('rejects a virtual node count that is not a positive integer', () => {
      for (const bad of [0, -1, 1.5, Number.NaN]) {
        assert.throws(() => new HashRing(['shard-0'], bad), RangeError, String(bad));
      }
    });

    it('rejects removing an unknown shard or the last one', () => {
      assert.throws(() => new HashRing(['shard-0', 'shard-1']).withoutShard('shard-9'), /unknown shard id/);
      assert.throws(() => new HashRing(['shard-0']).withoutShard('shard-0'), /at least one shard/);
    });

    it('rejects a non-string routing key', () => {
      const ring = new HashRing(['shard-0']);
      assert.throws(() => ring.shardFor(42 as unknown as string), TypeError);
    });
  });

  it('names shards by their index in SHARD_URLS', () => {
    assert.deepEqual([0, 1, 12].map(shardIdForIndex), ['shard-0', 'shard-1', 'shard-12']);
    assert.throws(() => shardIdForIndex(-1), RangeError);
    assert.throws(() => shardIdForIndex(0.5), RangeError);
  });
});
