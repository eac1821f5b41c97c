import { createHash } from 'node:crypto';
import { compareIds } from '../domain/id-order.js';

/**
 * Consistent-hash ring with virtual nodes: maps a routing key (item id, customer id) to a shard id.
 *
 * Positions are the first 48 bits of an MD5 digest. MD5 is not used for security here, only because it
 * is stable across processes, platforms and Node versions, and spreads similar strings ("shard-0#1",
 * "shard-0#2") evenly. 48 bits still fit exactly in a JS number, so no BigInt on the hot path.
 *
 * The ring is immutable; `withShard`/`withoutShard` build a new one. Routing depends only on the set of
 * shard ids and the virtual node count, never on the order the ids were given in.
 */

export const DEFAULT_VIRTUAL_NODES = 160;

/** The shard id of the shard at `index` in SHARD_URLS. */
export function shardIdForIndex(index: number): string {
  if (!Number.isInteger(index) || index < 0) {
    throw new RangeError(`shard index must be a non-negative integer, got ${index}`);
  }
  return `shard-${index}`;
}

function ringPosition(value: string): number {
  return createHash('md5').update(value, 'utf8').digest().readUIntBE(0, 6);
}

export class HashRing {
  readonly #shardIds: readonly string[];
  readonly #virtualNodes: number;
  /** Sorted ascending; `#owners[i]` owns the arc ending at `#positions[i]`. */
  readonly #positions: Float64Array;
  readonly #owners: readonly string[];

  constructor(shardIds: readonly string[], virtualNodes = DEFAULT_VIRTUAL_NODES) {
    if (shardIds.length === 0) throw new RangeError('a hash ring needs at least one shard');
    if (!Number.isInteger(virtualNodes) || virtualNodes < 1) {
      throw new RangeError(`virtualNodes must be a positive integer, got ${virtualNodes}`);
    }
    const seen = new Set<string>();
    for (const id of shardIds) {
      if (typeof id !== 'string' || id.length === 0)
        throw new RangeError('shard ids must be non-empty strings');
      if (seen.has(id)) throw new RangeError(`duplicate shard id: ${id}`);
      seen.add(id);
    }

    const points: { position: number; owner: string }[] = [];
    for (const owner of shardIds) {
      for (let replica = 0; replica < virtualNodes; replica++) {
        points.push({ position: ringPosition(`${owner}#${replica}`), owner });
      }
    }
    // Two virtual nodes can land on the same position; ordering them by id keeps routing independent
    // of the order shard ids were listed in.
    points.sort((a, b) => a.position - b.position || compareIds(a.owner, b.owner));

    this.#shardIds = Object.freeze([...shardIds]);
    this.#virtualNodes = virtualNodes;
    this.#positions = Float64Array.from(points, (p) => p.position);
    this.#owners = points.map((p) => p.owner);
  }

  /** Shard ids in the order they were given. */
  get shards(): readonly string[] {
    return this.#shardIds;
  }

  get virtualNodes(): number {
    return this.#virtualNodes;
  }

  shardFor(key: string): string {
    if (typeof key !== 'string') throw new TypeError(`routing key must be a string, got ${typeof key}`);
    const index = this.#firstPointAtOrAfter(ringPosition(key));
    return this.#owners[index === this.#positions.length ? 0 : index]!;
  }

  withShard(shardId: string): HashRing {
    return new HashRing([...this.#shardIds, shardId], this.#virtualNodes);
  }

  withoutShard(shardId: string): HashRing {
    if (!this.#shardIds.includes(shardId)) throw new RangeError(`unknown shard id: ${shardId}`);
    return new HashRing(
      this.#shardIds.filter((id) => id !== shardId),
      this.#virtualNodes,
    );
  }

  /** Index of the first point with position >= `position`, or the point count when there is none. */
  #firstPointAtOrAfter(position: number): number {
    let low = 0;
    let high = this.#positions.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.#positions[middle]! < position) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
