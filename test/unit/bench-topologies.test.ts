import assert from 'node:assert/strict';
import { ORDER_FLOW_SHAPE } from '../../bench/ceiling/flow-shape.js';
import { chartBars, chartTitle } from '../../bench/checkout/bench-chart.js';
import { parseBenchOptions, skippedOn } from '../../bench/checkout/bench-options.js';
import type {
  BenchReport,
  CeilingReport,
  LoopReport,
  TopologyRun,
} from '../../bench/checkout/bench-report.js';
import { renderReport } from '../../bench/checkout/bench-report.js';
import { summarize } from '../../bench/checkout/latency.js';
import { isTemporalProcess, parseTopologies, topologyLabel } from '../../bench/checkout/topology.js';
import {
  compareTopologies,
  renderComparison,
  temporalCpuPerUnit,
} from '../../bench/checkout/topology-comparison.js';

const latency = (ms: number) => summarize([ms, ms * 2, ms * 3]);

/** Equal but for floating-point rounding. */
function close(actual: number | null | undefined, expected: number): void {
  assert.ok(
    typeof actual === 'number' && Math.abs(actual - expected) < 1e-9,
    `expected ${expected}, got ${actual}`,
  );
}

function loop(ordersPerSecond: number, placed: number, cpuSeconds: Record<string, number>): LoopReport {
  return {
    shoppers: 32,
    seconds: placed / ordersPerSecond,
    placed,
    ordersPerSecond,
    errors: 0,
    serverErrors: 0,
    errorSamples: [],
    latency: { begin: latency(10), payment: latency(5), submit: latency(20) },
    history: null,
    cpu: {
      seconds: cpuSeconds,
      perUnit: Object.fromEntries(Object.entries(cpuSeconds).map(([k, v]) => [k, v / placed])),
    },
  };
}

function ceiling(flowsPerSecond: number, flows: number, cpuSeconds: Record<string, number>): CeilingReport {
  return {
    concurrency: 32,
    seconds: flows / flowsPerSecond,
    flows,
    flowsPerSecond,
    errors: 0,
    errorSamples: [],
    latency: { begin: latency(8), payment: latency(4), submit: latency(12) },
    history: null,
    cpu: {
      seconds: cpuSeconds,
      perUnit: Object.fromEntries(Object.entries(cpuSeconds).map(([k, v]) => [k, v / flows])),
    },
    ratio: null,
  };
}

function run(topology: string, parts: Partial<TopologyRun>): TopologyRun {
  return {
    topology,
    startedAt: '2025-01-01T00:00:00.000Z',
    finishedAt: '2025-01-01T00:01:00.000Z',
    loadAverageAtStart: [1, 1, 1],
    loadAverageAtEnd: [1, 1, 1],
    error: null,
    loop: null,
    flash: null,
    ceiling: null,
    openOrders: null,
    crashes: [],
    ...parts,
  };
}

const CLUSTER_CPU = {
  'temporal-frontend': 10,
  'temporal-matching': 5,
  'temporal-worker': 1,
  'temporal-history-1': 12,
  'temporal-history-2': 12,
  'temporal-db': 20,
  api: 30,
  'order-worker': 40,
};

const runs = [
  run('dev', {
    loop: loop(50, 1000, { temporal: 30, api: 30, 'order-worker': 40, 'bench driver': 9 }),
    ceiling: ceiling(100, 2000, { temporal: 40, 'ceiling-worker': 20 }),
  }),
  run('cluster:4', {
    loop: loop(40, 800, CLUSTER_CPU),
    ceiling: ceiling(80, 1600, { ...CLUSTER_CPU, api: 0 }),
  }),
  run('cluster:16', { error: 'Temporal cluster did not start', loop: null }),
];

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

  it("counts the dev server, each of the cluster's services and its PostgreSQL as Temporal's processes", () => {
    assert.deepEqual(Object.keys(CLUSTER_CPU).filter(isTemporalProcess), [
      'temporal-frontend',
      'temporal-matching',
      'temporal-worker',
      'temporal-history-1',
      'temporal-history-2',
      'temporal-db',
    ]);
    assert.equal(isTemporalProcess('temporal'), true);
    assert.equal(isTemporalProcess('ceiling-worker'), false);
    close(temporalCpuPerUnit(loop(40, 800, CLUSTER_CPU).cpu), 60 / 800);
    assert.equal(temporalCpuPerUnit(loop(40, 800, { api: 3 }).cpu), null, 'no Temporal process measured');
    assert.equal(temporalCpuPerUnit(loop(0, 0, { temporal: 3 }).cpu), null, 'nothing placed');
  });

  it("compares each topology with the dev server's figures of the same run", () => {
    const [dev, cluster4, cluster16] = compareTopologies(runs);
    assert.deepEqual(dev, {
      topology: 'dev',
      error: null,
      ordersPerSecond: 50,
      ordersVsDev: 1,
      latency: {
        begin: { p50: 20, p95: 30, p99: 30 },
        payment: { p50: 10, p95: 15, p99: 15 },
        submit: { p50: 40, p95: 60, p99: 60 },
      },
      ceilingFlowsPerSecond: 100,
      ceilingVsDev: 1,
      temporalCpuPerOrder: 0.03,
      temporalCpuPerOrderVsDev: 1,
      temporalCpuPerFlow: 0.02,
      temporalProcesses: ['temporal'],
    });
    close(cluster4!.ordersVsDev, 0.8);
    close(cluster4!.ceilingVsDev, 0.8);
    close(cluster4!.temporalCpuPerOrder, 60 / 800);
    close(cluster4!.temporalCpuPerOrderVsDev, 2.5);
    close(cluster4!.temporalCpuPerFlow, 60 / 1600);
    assert.equal(cluster4!.temporalProcesses.length, 6);
    assert.equal(cluster16!.error, 'Temporal cluster did not start');
    assert.deepEqual(
      [
        cluster16!.ordersPerSecond,
        cluster16!.ordersVsDev,
        cluster16!.latency,
        cluster16!.temporalCpuPerOrder,
      ],
      [null, null, null, null],
    );
    const withoutDev = compareTopologies(runs.slice(1));
    assert.equal(withoutDev[0]!.ordersPerSecond, 40);
    assert.equal(withoutDev[0]!.ordersVsDev, null, 'no dev server in the run, no ratio');
  });

  it('prints the comparison as one row per topology, and why a topology has no figures', () => {
    assert.equal(
      renderComparison(compareTopologies(runs)),
      [
        'topology    orders/s  × dev  BEGIN ms p50/95/99  payment ms p50/95/99  SUBMIT ms p50/95/99  ceiling flows/s  × dev  Temporal CPU s/order  × dev',
        '----------  --------  -----  ------------------  --------------------  -------------------  ---------------  -----  --------------------  -----',
        'dev               50      1  20 / 30 / 30        10 / 15 / 15          40 / 60 / 60                     100      1                  0.03      1',
        'cluster:4         40    0.8  20 / 30 / 30        10 / 15 / 15          40 / 60 / 60                      80    0.8                 0.075    2.5',
        'cluster:16  –         –      –                   –                     –                    –                –      –                     –',
        'cluster:16 failed: Temporal cluster did not start',
      ].join('\n'),
    );
  });

  it('names each chart bar and title line with its topology when more than one ran', () => {
    const report: BenchReport = {
      startedAt: '2025-01-01T00:00:00.000Z',
      finishedAt: '2025-01-01T00:03:00.000Z',
      command: 'npm run bench',
      machine: { cpus: 2, loadAverageAtStart: [1, 1, 1], loadAverageAtEnd: [1, 1, 1], node: 'v20' },
      flowShape: ORDER_FLOW_SHAPE,
      runs,
      comparison: compareTopologies(runs),
    };
    const steps = [...new Set(chartBars(report).map((bar) => bar.step))];
    assert.deepEqual(steps.slice(0, 2), ['dev loop begin', 'dev loop payment']);
    assert.ok(steps.includes('cluster:4 ceiling submit'));
    assert.ok(!steps.some((step) => step.startsWith('cluster:16')), 'a failed topology draws no bars');
    assert.deepEqual(chartTitle(report).slice(-1), ['cluster:16: failed']);
    assert.match(renderReport(report), /== topologies side by side ==/);

    const alone: BenchReport = { ...report, runs: runs.slice(0, 1), comparison: [] };
    assert.equal(chartBars(alone)[0]!.step, 'loop begin', 'one topology: steps as before');
    assert.doesNotMatch(renderReport(alone), /side by side/);
  });
});
