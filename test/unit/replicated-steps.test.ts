/**
 * The step interceptor that ends each step with a replication barrier on the shards it used, without a
 * server: which shards get one, after which outcomes, and what a failing barrier does to the step. The
 * barrier itself is checked against a real primary and standby in test/db/shard-failover-client.test.ts.
 */
import assert from 'node:assert/strict';
import type { Shard, ShardSet } from '../../db/shard-set.js';
import { createShardUseTracker } from '../../observability/shard-use.js';
import { replicatedStepsInterceptor } from '../../workers/replicated-steps.js';

const HA_URL = 'postgres://postgres@127.0.0.1:5001,127.0.0.1:5002/orders';
const SINGLE_URL = 'postgres://postgres@127.0.0.1:5003/orders';

function fakeShards(barrierFails = false) {
  const barriers: string[] = [];
  const shard = (id: string, url: string) =>
    ({
      id,
      url,
      sql: async () => {
        barriers.push(id);
        if (barrierFails) throw new Error('terminating connection due to administrator command');
        return [];
      },
    }) as unknown as Shard;
  const byId = new Map([
    ['shard-0', shard('shard-0', HA_URL)],
    ['shard-1', shard('shard-1', HA_URL)],
    ['shard-2', shard('shard-2', SINGLE_URL)],
  ]);
  const shardSet = {
    shards: [...byId.values()],
    forItem: () => byId.get('shard-0')!,
    forCustomer: () => byId.get('shard-1')!,
    byId: (id: string) => byId.get(id)!,
    close: async () => {},
  } as ShardSet;
  return { shardSet, barriers };
}

function stepRunner(shardSet: ShardSet) {
  const shardUse = createShardUseTracker();
  const tracked = shardUse.tracking(shardSet);
  const inbound = replicatedStepsInterceptor(shardSet, shardUse)({} as never).inbound!;
  const run = (step: (shards: ShardSet) => Promise<unknown>) =>
    inbound.execute!({ args: [], headers: {} }, () => step(tracked));
  return { run, shardUse, tracked };
}

describe('replicated steps', () => {
  it('end with one barrier on every shard with standbys the step used, and none on others', async () => {
    const { shardSet, barriers } = fakeShards();
    const { run } = stepRunner(shardSet);
    const result = await run(async (shards) => {
      shards.forItem('i');
      shards.forCustomer('c');
      shards.forCustomer('c');
      shards.byId('shard-2');
      return 'done';
    });
    assert.equal(result, 'done');
    assert.deepEqual(barriers.sort(), ['shard-0', 'shard-1']);
  });

  it('hold a failed step until its barrier too, then report its own failure', async () => {
    const { shardSet, barriers } = fakeShards();
    const { run } = stepRunner(shardSet);
    await assert.rejects(
      run(async (shards) => {
        shards.forCustomer('c');
        throw new Error('order ord_1 is not RESERVED');
      }),
      /is not RESERVED/,
    );
    assert.deepEqual(barriers, ['shard-1']);
  });

  it('fail a step whose barrier fails, so that it is retried', async () => {
    const { shardSet, barriers } = fakeShards(true);
    const { run } = stepRunner(shardSet);
    await assert.rejects(
      run(async (shards) => {
        shards.forItem('i');
        return 'done';
      }),
      /administrator command/,
    );
    assert.deepEqual(barriers, ['shard-0']);
  });

  it('see the shards of a step also when an outer interceptor records them too', async () => {
    const { shardSet, barriers } = fakeShards();
    const { run, shardUse } = stepRunner(shardSet);
    const outer = new Set<string>();
    await shardUse.run(outer, () => run(async (shards) => shards.forItem('i')));
    assert.deepEqual([...outer], ['shard-0']);
    assert.deepEqual(barriers, ['shard-0']);
  });
});
