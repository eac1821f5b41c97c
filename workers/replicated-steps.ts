/**
 * A step is reported done only once what it read and wrote on a shard with standbys is on a synchronous
 * standby (db/replicas/replication-barrier.ts), whatever its outcome: a refusal decided on state that a
 * failover then discards would steer the workflow as wrongly as a success.
 */
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { awaitReplicated } from '../db/replicas/replication-barrier.js';
import type { ShardSet } from '../db/shard-set.js';
import type { ShardUseTracker } from '../observability/shard-use.js';

export function replicatedStepsInterceptor(
  shards: ShardSet,
  shardUse: ShardUseTracker,
): ActivityInterceptorsFactory {
  return () => ({
    inbound: {
      async execute(input, next) {
        const used = new Set<string>();
        let outcome: { result: unknown } | { error: unknown };
        try {
          outcome = { result: await shardUse.run(used, () => next(input)) };
        } catch (error) {
          outcome = { error };
        }
        // A barrier that fails (the node is being stopped) fails the step, which is then retried.
        await Promise.all([...used].map((id) => awaitReplicated(shards.byId(id))));
        if ('error' in outcome) throw outcome.error;
        return outcome.result;
      },
    },
  });
}
