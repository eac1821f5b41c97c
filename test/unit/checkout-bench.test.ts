import assert from 'node:assert/strict';
import {
  assertValidShape,
  describeShape,
  type FlowShape,
  ORDER_FLOW_SHAPE,
  totalSteps,
} from '../../bench/ceiling/flow-shape.js';
import { parseBenchOptions } from '../../bench/checkout/bench-options.js';
import { countHistory, evenSample, LOCAL_ACTIVITY_MARKER } from '../../bench/checkout/histories.js';
import { percentile, summarize } from '../../bench/checkout/latency.js';
import { parseProcStat, parseResidentMemory } from '../../bench/checkout/proc-stats.js';
import { formatNumber, formatTable } from '../../bench/checkout/text-table.js';

describe('checkout benchmark: the pure parts', () => {
  it('percentiles are nearest-rank over the sorted samples', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i); // 100 … 1, unsorted on purpose
    const summary = summarize(samples);
    assert.deepEqual(summary, { count: 100, p50: 50, p95: 95, p99: 99, max: 100 });
    assert.equal(percentile([7], 99), 7);
    assert.equal(percentile([1, 2, 3], 0), 1);
    assert.ok(Number.isNaN(summarize([]).p50), 'no samples, no percentile');
  });

  it('formats tables with numbers right-aligned and fractions to three significant digits', () => {
    const table = formatTable(
      ['process', 'CPU s'],
      [
        ['temporal', 15.4321],
        ['api', 0.052345],
        ['order-worker', 1234.5],
      ],
    );
    assert.equal(
      table,
      [
        'process        CPU s',
        '------------  ------',
        'temporal        15.4',
        'api           0.0523',
        'order-worker   1,235',
      ].join('\n'),
    );
    assert.equal(formatNumber(Number.NaN), '–');
  });

  it('reads utime, stime and the parent from /proc/<pid>/stat, whatever the command name holds', () => {
    const line =
      '4242 (postgres: a) b) S 17 4242 4242 0 -1 4194560 100 0 0 0 250 75 3 4 20 0 1 0 123 456789 100 18446744073709551615';
    assert.deepEqual(parseProcStat(line), {
      pid: 4242,
      ppid: 17,
      utime: 250,
      stime: 75,
      cutime: 3,
      cstime: 4,
    });
  });

  it('reads resident memory now and at its peak from /proc/<pid>/status, in MiB', () => {
    const status =
      'Name:\tnode\nVmPeak:\t 9999999 kB\nVmHWM:\t  524288 kB\nVmRSS:\t  262144 kB\nThreads:\t17\n';
    assert.deepEqual(parseResidentMemory(status), { rssMiB: 256, peakMiB: 512 });
    assert.throws(() => parseResidentMemory('Name:\tnode\n'), /no VmRSS/);
  });

  it('counts what a history costs, telling local activities from patch markers', () => {
    const events = [
      { workflowTaskCompletedEventAttributes: {} },
      { activityTaskScheduledEventAttributes: {} },
      { markerRecordedEventAttributes: { markerName: LOCAL_ACTIVITY_MARKER } },
      { markerRecordedEventAttributes: { markerName: 'core_patch' } },
      { workflowExecutionUpdateAcceptedEventAttributes: {} },
      { upsertWorkflowSearchAttributesEventAttributes: {} },
      { startChildWorkflowExecutionInitiatedEventAttributes: {} },
      { workflowTaskCompletedEventAttributes: {} },
      {},
    ];
    assert.deepEqual(countHistory(events), {
      events: 9,
      workflowTasks: 2,
      activities: 1,
      localActivities: 1,
      updates: 1,
      childWorkflows: 1,
      searchAttributeUpserts: 1,
    });
  });

  it('samples evenly and never more than asked', () => {
    assert.deepEqual(evenSample([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5), [1, 3, 5, 7, 9]);
    assert.deepEqual(evenSample([1, 2], 5), [1, 2]);
  });

  it("the order's flow shape is valid and adds up", () => {
    assertValidShape(ORDER_FLOW_SHAPE);
    const shape: FlowShape = {
      begin: { activities: 0, localActivities: 2 },
      payment: { activities: 0, localActivities: 0 },
      beforeSubmitAnswer: { activities: 1, localActivities: 2 },
      afterSubmitAnswer: { activities: 1, localActivities: 0 },
      child: null,
    };
    assert.deepEqual(totalSteps(shape), { activities: 2, localActivities: 4 });
    assert.match(describeShape(shape), /^update-with-start begin: 2 local → update payment: no steps → /);
    assert.throws(
      () => assertValidShape({ ...shape, payment: { activities: -1, localActivities: 0 } }),
      /payment\.activities/,
    );
    assert.throws(
      () => assertValidShape({ ...shape, child: { activities: 1.5, localActivities: 0 } }),
      /child\.activities/,
    );
  });

  it('flags default to the figures of the issue and refuse nonsense', () => {
    const defaults = parseBenchOptions([]);
    assert.equal(defaults.loopSeconds, 60);
    assert.equal(defaults.shoppers, 32);
    assert.equal(defaults.loopItems, 40);
    assert.deepEqual([defaults.flashShoppers, defaults.flashUnits], [1000, 100]);
    assert.equal(defaults.openOrders, 10_000);
    assert.equal(defaults.ceilingSeconds, 60, 'the ceiling runs as long as the loop');
    const short = parseBenchOptions(['--loop-seconds', '10', '--skip', 'open-orders,flash']);
    assert.equal(short.ceilingSeconds, 10);
    assert.deepEqual([...short.skip].sort(), ['flash', 'open-orders']);
    assert.throws(() => parseBenchOptions(['--skip', 'lunch']), /unknown phase/);
    assert.throws(() => parseBenchOptions(['--shoppers', '0']), /positive integer/);
    assert.throws(
      () => parseBenchOptions(['--flash-units', '20', '--flash-shoppers', '10']),
      /must not exceed/,
    );
  });
});
