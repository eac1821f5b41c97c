/**
 * Waits until everything a shard's primary shows is on a synchronous standby.
 *
 * A primary killed while commits waited for their standby has those commits in its own WAL only. If its
 * keeper restarts it in place, crash recovery makes them visible, and until the failover engine drains it
 * the node answers reads from them: a retried step that finds "its" row there takes the step as done, and
 * the row is gone once the node is rewound to follow the new primary. A commit of our own ends after all of
 * that WAL, and synchronous replication holds it until a standby has it; so once it returns, what the step
 * read is on a standby too. On that restarted node no standby follows, the commit waits until the node is
 * stopped, and the step fails and is retried against the new primary.
 */
import type { Shard } from '../shard-set.js';
import { hostsOf } from './shard-url.js';

export function hasStandbys(shard: Pick<Shard, 'url'>): boolean {
  return hostsOf(shard.url).length > 1;
}

/**
 * A no-op on a shard without standbys. A commit waits for a standby only if its transaction has an id and
 * wrote WAL; a transactional logical message does both, with no table to write and no row to contend for.
 */
export async function awaitReplicated(shard: Pick<Shard, 'url' | 'sql'>): Promise<void> {
  if (!hasStandbys(shard)) return;
  await shard.sql`select pg_logical_emit_message(true, 'order-platform.replicated', '')`;
}
