import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, localHistoryShards, localTemporalTopology } from '../../config/env.js';
import { clusterPorts } from '../../scripts/lib/temporal-cluster/cluster-ports.js';

describe('the Temporal cluster topology settings', () => {
  it('TEMPORAL is dev by default, cluster when asked, refused otherwise', () => {
    assert.equal(localTemporalTopology({}), 'dev');
    assert.equal(localTemporalTopology({ TEMPORAL: 'cluster' }), 'cluster');
    assert.throws(() => localTemporalTopology({ TEMPORAL: 'kubernetes' }), ConfigError);
  });

  it('TEMPORAL_HISTORY_SHARDS is 16 by default and must be a power of two', () => {
    assert.equal(localHistoryShards({}), 16);
    assert.equal(localHistoryShards({ TEMPORAL_HISTORY_SHARDS: '4' }), 4);
    assert.equal(localHistoryShards({ TEMPORAL_HISTORY_SHARDS: '1' }), 1);
    for (const bad of ['12', '0', '-4', 'many']) {
      assert.throws(() => localHistoryShards({ TEMPORAL_HISTORY_SHARDS: bad }), ConfigError, bad);
    }
  });

  describe('ports', () => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cluster-ports-'));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('gives every service distinct ports, membership ports below 32768 (a smallint in the database)', async () => {
      const ports = await clusterPorts(path.join(dir, 'ports.json'), 2);
      const services = [ports.frontend, ports.matching, ports.worker, ...ports.history];
      assert.equal(ports.history.length, 2);
      for (const service of services) assert.ok(service.membership < 32_768, JSON.stringify(service));
      const all = [
        ports.db,
        ports.frontendHttp,
        ...services.flatMap((s) => [s.grpc, s.membership, s.metrics]),
      ];
      assert.equal(new Set(all).size, all.length, 'no port used twice');
    });

    it('keeps them across restarts, with the frontend port asked for', async () => {
      const file = path.join(dir, 'ports.json');
      const first = await clusterPorts(file, 2);
      const again = await clusterPorts(file, 2);
      assert.deepEqual(again, first);
      const moved = await clusterPorts(file, 2, 47_233);
      assert.equal(moved.frontend.grpc, 47_233);
      assert.deepEqual(moved.history, first.history);
    });
  });
});
