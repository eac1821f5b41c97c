import assert from 'node:assert/strict';
import { parseBenchOptions, skippedOn } from '../../bench/checkout/bench-options.js';
import { parseTopologies, topologyLabel } from '../../bench/checkout/topology.js';

describe('checkout benchmark: topologies side by side', () => {
  it('reads the topologies to compare, in order, and refuses what it cannot run', () => {
    assert.deepEqual(parseTopologies('dev,cluster:4, cluster:16'), [
      { kind: 'dev' },
      { kind: 'cluster', historyShards: 4 },
      { kind: 'cluster', historyShards: 16 },
    ]);
    assert.deepEqual(parseTopologies('cluster:8').map(topologyLabel), ['cluster:8']);
    assert.deepEqual(parseBenchOptions([]).topologies.map(topologyLabel), ['dev', 'cluster:4', 'cluster:16']);
    assert.deepEqual(parseBenchOptions(['--topologies', 'cluster:16,dev']).topologies.map(topologyLabel), [
      'cluster:16',
      'dev',
    ]);
    assert.throws(() => parseTopologies('cluster'), /needs its history shards/);
    assert.throws(() => parseTopologies('cluster:0'), /positive integer/);
    assert.throws(() => parseTopologies('cluster:4.5'), /positive integer/);
    assert.throws(() => parseTopologies('cluster:'), /positive integer/);
    assert.throws(() => parseTopologies('prod'), /unknown topology prod/);
    assert.throws(() => parseTopologies('dev,,cluster:4'), /empty entry/);
    assert.throws(() => parseTopologies('cluster:4,cluster:04'), /cluster:4 is listed twice/);
  });

  it('runs the flash sale and the open orders on the first topology only, and skips what is asked everywhere', () => {
    const skip = parseBenchOptions(['--skip', 'ceiling']).skip;
    assert.deepEqual([...skippedOn(skip, 0)], ['ceiling']);
    assert.deepEqual([...skippedOn(skip, 1)].sort(), ['ceiling', 'flash', 'open-orders']);
    assert.deepEqual([...skippedOn(new Set(), 2)].sort(), ['flash', 'open-orders']);
  });
});
