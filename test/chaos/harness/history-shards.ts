/**
 * Which history host owns each of the Temporal cluster's history shards, read from Temporal's own database: a host
 * that acquires a shard bumps its `range_id` and writes itself into the shard's record as `owner` (ShardInfo,
 * field 3), so a takeover shows there as a new range and a new owner. Used by the history-host faults.
 */
import postgres from 'postgres';
import protobuf from 'protobufjs/minimal.js';
import type { ChaosStack } from './chaos-stack.js';
import type { FaultContext } from './run-scenario.js';

/** ShardInfo's `owner`: the host's address (`host:grpc-port`), then `-<n>-<uuid>` naming this acquisition. */
const OWNER_FIELD = 3;
const LENGTH_DELIMITED = 2;
const POLL_MS = 200;

export interface ShardRecord {
  rangeId: number;
  /** The owning history service's name (`temporal-history-1`), or the address it recorded. */
  owner: string;
}

export type ShardOwners = Map<number, ShardRecord>;

export class HistoryShardWatch {
  private readonly sql: postgres.Sql;
  private readonly hostNames: Map<string, string>;

  constructor(stack: ChaosStack) {
    const cluster = stack.temporalCluster;
    this.sql = postgres(`postgres://postgres@127.0.0.1:${cluster.ports.db}/temporal`, {
      max: 1,
      connect_timeout: 2,
      idle_timeout: 5,
      onnotice: () => {},
    });
    this.hostNames = new Map(
      cluster.ports.history.map((ports, i) => [`127.0.0.1:${ports.grpc}`, `temporal-history-${i + 1}`]),
    );
  }

  async read(): Promise<ShardOwners> {
    const rows = await this.sql<{ shard_id: number; range_id: string; data: Buffer }[]>`
      select shard_id, range_id, data from shards order by shard_id`;
    return new Map(
      rows.map((row) => {
        const address = ownerOf(row.data).split('-')[0]!;
        return [
          row.shard_id,
          { rangeId: Number(row.range_id), owner: this.hostNames.get(address) ?? address },
        ];
      }),
    );
  }

  /** Polls until `done` holds (the time it took), or `timeoutMs` passes (undefined). */
  async until(done: (owners: ShardOwners) => boolean, timeoutMs: number): Promise<number | undefined> {
    const started = Date.now();
    while (Date.now() - started < timeoutMs) {
      try {
        if (done(await this.read())) return Date.now() - started;
      } catch {
        // Temporal's database may be busy or briefly unreachable: read again
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    return undefined;
  }

  close(): Promise<void> {
    return this.sql.end({ timeout: 1 });
  }
}

function ownerOf(data: Buffer): string {
  const reader = protobuf.Reader.create(data);
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag >>> 3 === OWNER_FIELD && (tag & 7) === LENGTH_DELIMITED) return reader.string();
    reader.skipType(tag & 7);
  }
  return '';
}

/** Each shard's owner, as `shard → host` pairs in shard order. */
export function describeOwners(owners: ShardOwners): string {
  return [...owners]
    .map(([shard, { owner }]) => `${shard}→${owner.replace('temporal-history-', 'h')}`)
    .join(' ');
}

export interface HistoryHostKill {
  host: string;
  /** The shards it owned when it was killed. */
  shards: number[];
  /** kill -9 → every one of them acquired (a new range) by another host; undefined if not within the wait. */
  takeoverMs?: number;
  /** The hosts that took them. */
  takenBy: string[];
  /** Restart → it owns shards again (the ring hands some back); undefined if not within the wait. */
  returnedMs?: number;
  /** Restart → the first order transition after it (the harness's recovery time). */
  recoveryMs?: number;
}

/**
 * kill -9 of one history host; waits (up to `takeoverWaitMs`) until the other host has acquired each of its shards,
 * keeps it down `downMs` longer, then restarts it and measures how soon it owns shards again.
 */
export async function killHistoryHost(
  ctx: FaultContext,
  host: string,
  downMs: number,
  takeoverWaitMs = 60_000,
): Promise<HistoryHostKill> {
  const proc = ctx.stack.temporalCluster.service(host);
  const watch = new HistoryShardWatch(ctx.stack);
  try {
    const before = await watch.read();
    const shards = [...before].filter(([, r]) => r.owner === host).map(([shard]) => shard);
    ctx.log(`history shards before the kill: ${describeOwners(before)}`);
    const record: HistoryHostKill = { host, shards, takenBy: [] };
    let returned: Promise<number | undefined> = Promise.resolve(undefined);
    const fault = await ctx.fault(
      `kill -9 ${host}`,
      async () => {
        await proc.crash();
        let after: ShardOwners = before;
        const takeoverMs = await watch.until((owners) => {
          after = owners;
          return shards.every((shard) => {
            const now = owners.get(shard);
            return now !== undefined && now.owner !== host && now.rangeId > before.get(shard)!.rangeId;
          });
        }, takeoverWaitMs);
        if (takeoverMs !== undefined) record.takeoverMs = takeoverMs;
        record.takenBy = [...new Set(shards.map((shard) => after.get(shard)!.owner))];
        ctx.log(`history shards with ${host} dead: ${describeOwners(after)}`);
      },
      downMs,
      async () => {
        proc.start();
        returned = watch.until(
          (owners) => [...owners.values()].some((r) => r.owner === host),
          takeoverWaitMs,
        );
      },
    );
    const returnedMs = await returned;
    if (returnedMs !== undefined) record.returnedMs = returnedMs;
    if (fault.recoveryMs !== undefined) record.recoveryMs = fault.recoveryMs;
    ctx.log(`history shards after ${host} came back: ${describeOwners(await watch.read())}`);
    return record;
  } finally {
    await watch.close();
  }
}
