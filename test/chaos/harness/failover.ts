/**
 * Faults on shards with standbys and what they cost: the failover time (fault → first write accepted by
 * the shard's new primary), the stalled-order time (fault → an order row on that shard changes again), and
 * the old primary coming back as a standby.
 */
import postgres from 'postgres';
import { hostsOf, singleNodeUrl } from '../../../db/replicas/shard-url.js';
import type { Shard } from '../../../db/shard-set.js';
import type { Keeper } from '../../../scripts/lib/auto-failover/keeper.js';
import { SHARD_DATABASE } from '../../../scripts/lib/postgres-server.js';
import type { ChaosStack } from './chaos-stack.js';

export interface FailoverRecord {
  shard: string;
  fault: string;
  from: string;
  to: string;
  failoverMs: number;
  stalledOrdersMs: number | undefined;
  /** Old primary restarted or thawed → every node of the shard settled again, the old one a standby. */
  rejoinMs: number;
  /** Freeze only: what a write sent straight to the old primary after it resumed got. */
  straightWrite?: string;
}

const WRITE_PROBE_TIMEOUT_MS = 1_500;

/** A write through the shard's URL: `select txid_current()` needs a primary and commits a transaction. */
async function writeOnce(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, connect_timeout: 1, idle_timeout: 0, onnotice: () => {} });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      sql`select txid_current()`,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('no answer')), WRITE_PROBE_TIMEOUT_MS);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    void sql.end({ timeout: 0 }).catch(() => {});
  }
}

/**
 * Time of the first write accepted after `since`, on a node other than `notOn` when given. Every node is
 * tried directly at once (a frozen node would stall a multi-host connection attempt).
 */
export async function firstWrite(
  url: string,
  since: number,
  notOn: string | undefined,
  timeoutMs = 60_000,
): Promise<{ ms: number; address: string }> {
  const candidates = hostsOf(url).filter((host) => host !== notOn);
  while (Date.now() - since < timeoutMs) {
    try {
      const address = await Promise.any(
        candidates.map(async (host) => {
          await writeOnce(singleNodeUrl(url, host));
          return host;
        }),
      );
      return { ms: Date.now() - since, address };
    } catch {
      // no primary yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no write accepted within ${timeoutMs} ms`);
}

/** Time from `since` until an order row on `shard` changes again (undefined if none within the wait). */
async function ordersMoveAgain(shard: Shard, since: number, timeoutMs = 60_000): Promise<number | undefined> {
  while (Date.now() - since < timeoutMs) {
    try {
      const [row] = await shard.sql<{ latest: Date | null }[]>`
        select max(updated_at) as latest from orders where updated_at > ${new Date(since)}`;
      if (row?.latest) return Math.max(0, row.latest.getTime() - since);
    } catch {
      // the shard is failing over
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return undefined;
}

async function currentPrimary(stack: ChaosStack, shardId: string): Promise<Keeper> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const primary = await stack.ha.primaryOf(shardId).catch(() => undefined);
    if (primary) return primary;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${shardId} has no primary`);
}

async function rejoin(stack: ChaosStack, node: Keeper, since: number): Promise<number> {
  await stack.ha.waitUntilSettled(90_000);
  const state = (await stack.ha.states()).find((s) => s.address === node.address);
  if (state?.reportedState !== 'secondary') {
    throw new Error(`${node.name} came back as ${state?.reportedState}, not as a standby`);
  }
  return Date.now() - since;
}

/** kill -9 of the primary's whole node (keeper and postgres); it is started again once a standby took over. */
export async function killPrimaryNode(stack: ChaosStack, shardIndex: number): Promise<FailoverRecord> {
  const shard = stack.ha.shards[shardIndex]!;
  const url = stack.ha.urls[shardIndex]!;
  await stack.ha.waitUntilSettled(90_000);
  const old = await currentPrimary(stack, shard.id);
  await old.crashNode();
  const injected = Date.now();
  const [write, stalled] = await Promise.all([
    firstWrite(url, injected, old.address),
    ordersMoveAgain(stack.shardSet.shards[shardIndex]!, injected),
  ]);
  const restarted = Date.now();
  old.start();
  return {
    shard: shard.id,
    fault: 'kill -9 primary node',
    from: old.address,
    to: write.address,
    failoverMs: write.ms,
    stalledOrdersMs: stalled,
    rejoinMs: await rejoin(stack, old, restarted),
  };
}

/** SIGSTOP of the primary's node for `frozenMs`; after SIGCONT a write sent straight to it must not commit. */
export async function freezePrimary(
  stack: ChaosStack,
  shardIndex: number,
  frozenMs: number,
): Promise<FailoverRecord> {
  const shard = stack.ha.shards[shardIndex]!;
  const url = stack.ha.urls[shardIndex]!;
  await stack.ha.waitUntilSettled(90_000);
  const old = await currentPrimary(stack, shard.id);
  const frozen = old.freeze();
  const injected = Date.now();
  const [write, stalled] = await Promise.all([
    firstWrite(url, injected, old.address),
    ordersMoveAgain(stack.shardSet.shards[shardIndex]!, injected),
  ]);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, injected + frozenMs - Date.now())));
  const thawed = Date.now();
  const straight = straightWrite(`postgres://postgres@${old.address}/${SHARD_DATABASE}`);
  old.thaw(frozen);
  const straightResult = await straight;
  return {
    shard: shard.id,
    fault: `SIGSTOP primary node ${frozenMs} ms`,
    from: old.address,
    to: write.address,
    failoverMs: write.ms,
    stalledOrdersMs: stalled,
    rejoinMs: await rejoin(stack, old, thawed),
    straightWrite: straightResult,
  };
}

/**
 * A write sent to one node only (no session attributes), started while it is still frozen so that it is the
 * first thing the node sees when it resumes. `committed` means split brain.
 */
async function straightWrite(singleNodeUrl: string): Promise<string> {
  const sql = postgres(singleNodeUrl, { max: 1, connect_timeout: 10, idle_timeout: 0, onnotice: () => {} });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      sql`create table if not exists split_brain_probe (at timestamptz); insert into split_brain_probe values (now())`.simple(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('no answer within 15 s')), 15_000);
      }),
    ]);
    return 'committed';
  } catch (error) {
    return `refused: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    clearTimeout(timer);
    void sql.end({ timeout: 0 }).catch(() => {});
  }
}

/** kill -9 of a standby's whole node: the primary keeps taking writes; the standby is started again after `downMs`. */
export async function killStandbyNode(
  stack: ChaosStack,
  shardIndex: number,
  downMs: number,
): Promise<{ shard: string; standby: string; writeStallMs: number; primaryKept: boolean; rejoinMs: number }> {
  const shard = stack.ha.shards[shardIndex]!;
  const url = stack.ha.urls[shardIndex]!;
  await stack.ha.waitUntilSettled(90_000);
  const primary = await currentPrimary(stack, shard.id);
  const standby = shard.nodes.find((node) => node !== primary)!;
  await standby.crashNode();
  const injected = Date.now();
  // A first write right away: with a synchronous standby gone, the primary's commits wait until the monitor
  // lets it commit alone.
  const write = await firstWrite(url, injected, undefined);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, injected + downMs - Date.now())));
  const after = await firstWrite(url, Date.now(), undefined);
  const restarted = Date.now();
  standby.start();
  return {
    shard: shard.id,
    standby: standby.address,
    writeStallMs: write.ms,
    primaryKept: write.address === primary.address && after.address === primary.address,
    rejoinMs: await rejoin(stack, standby, restarted),
  };
}

/**
 * kill -9 of the primary's postmaster alone, its keeper alive: the keeper restarts it in place or the monitor
 * promotes a standby, whichever comes first; either way writes resume and every committed write is kept.
 */
export async function killPrimaryPostmaster(stack: ChaosStack, shardIndex: number): Promise<FailoverRecord> {
  const shard = stack.ha.shards[shardIndex]!;
  const url = stack.ha.urls[shardIndex]!;
  await stack.ha.waitUntilSettled(90_000);
  const old = await currentPrimary(stack, shard.id);
  if (old.crashPostmaster() === undefined) throw new Error(`${old.name} has no postmaster to kill`);
  const injected = Date.now();
  const [write, stalled] = await Promise.all([
    firstWrite(url, injected, undefined),
    ordersMoveAgain(stack.shardSet.shards[shardIndex]!, injected),
  ]);
  const settling = Date.now();
  await stack.ha.waitUntilSettled(90_000);
  return {
    shard: shard.id,
    fault: 'kill -9 primary postmaster',
    from: old.address,
    to: write.address,
    failoverMs: write.ms,
    stalledOrdersMs: stalled,
    rejoinMs: Date.now() - settling,
  };
}
