/** The benchmark's results: the JSON written to bench/results/ and the tables printed at the end. */
import type { FlowShape } from '../ceiling/flow-shape.js';
import type { HistoryCounts } from './histories.js';
import type { LatencySummary } from './latency.js';
import { type Cell, formatNumber, formatTable } from './text-table.js';
import { renderComparison, type TopologyComparison } from './topology-comparison.js';

export interface HistoryCost {
  sampled: number;
  perFlow: HistoryCounts;
  /** False when the sample's histories were still growing when reading stopped. */
  settled: boolean;
}

export interface CpuCost {
  /** CPU seconds per process during the phase. */
  seconds: Record<string, number>;
  /** The same divided by the orders (or flows) the phase completed. */
  perUnit: Record<string, number>;
}

export interface LoopReport {
  shoppers: number;
  seconds: number;
  placed: number;
  ordersPerSecond: number;
  errors: number;
  serverErrors: number;
  errorSamples: string[];
  latency: Record<'begin' | 'payment' | 'submit', LatencySummary>;
  history: HistoryCost | null;
  cpu: CpuCost;
}

export interface FlashReport {
  shoppers: number;
  units: number;
  placed: number;
  toldShort: number;
  errors: number;
  serverErrors: number;
  errorSamples: string[];
  begin: LatencySummary;
  allBeginsAnsweredSeconds: number;
  /** When the last 201 and the last 409 BEGIN were answered (absent in results written before they were kept). */
  lastReservedSeconds?: number;
  lastRefusedSeconds?: number;
  allJourneysSeconds: number;
  /** stock.available of the item afterwards, read from its shard. */
  unitsLeft: number | null;
  exact: boolean;
  cpu: CpuCost;
}

export interface CeilingReport {
  concurrency: number;
  seconds: number;
  flows: number;
  flowsPerSecond: number;
  errors: number;
  errorSamples: string[];
  latency: Record<'begin' | 'payment' | 'submit', LatencySummary>;
  history: HistoryCost | null;
  cpu: CpuCost;
  /** Closed-loop orders/s over ceiling flows/s; null without both. */
  ratio: number | null;
}

export interface OpenOrdersReport {
  requested: number;
  begun: number;
  errors: number;
  serverErrors: number;
  errorSamples: string[];
  seconds: number;
  /** VmRSS of the order worker's process (its workflow isolates are threads of it), before and after. */
  workerRssMiBBefore: number;
  /** NaN if the worker was restarted meanwhile. */
  workerRssMiBAfter: number;
  /** Its VmHWM: the most it held while the checkouts were begun (or since it started, if the kernel could not reset it). */
  workerPeakRssMiB: number;
  workerPeakSince: 'phase start' | 'process start';
}

/** What one topology measured, on a platform of its own. */
export interface TopologyRun {
  /** `dev` or `cluster:<history shards>`. */
  topology: string;
  startedAt: string;
  finishedAt: string;
  loadAverageAtStart: number[];
  loadAverageAtEnd: number[];
  /** Why its figures are missing or partial (its platform did not start, a phase threw); null when it ran. */
  error: string | null;
  loop: LoopReport | null;
  flash: FlashReport | null;
  ceiling: CeilingReport | null;
  openOrders: OpenOrdersReport | null;
  /** Processes that exited on their own during its run. */
  crashes: string[];
}

export interface BenchReport {
  startedAt: string;
  finishedAt: string;
  command: string;
  machine: { cpus: number; loadAverageAtStart: number[]; loadAverageAtEnd: number[]; node: string };
  flowShape: FlowShape;
  /** One per topology, in the order they ran. */
  runs: TopologyRun[];
  comparison: TopologyComparison[];
}

const ms = (value: number) => Math.round(value);
const seconds = (value: number | undefined) => (value === undefined ? '–' : formatNumber(value));

function latencyRows(label: string, latency: Record<string, LatencySummary>): Cell[][] {
  return Object.entries(latency).map(([step, s]) => [
    `${label} ${step}`,
    s.count,
    ms(s.p50),
    ms(s.p95),
    ms(s.p99),
    ms(s.max),
  ]);
}

function cpuTable(loop: LoopReport | null, flash: FlashReport | null, ceiling: CeilingReport | null): string {
  const names = [
    ...new Set([loop, flash, ceiling].flatMap((r) => (r ? Object.keys(r.cpu.seconds) : []))),
  ].sort();
  const cell = (cost: CpuCost | undefined, name: string, per: boolean): Cell => {
    const value = per ? cost?.perUnit[name] : cost?.seconds[name];
    return value ?? '–';
  };
  return formatTable(
    ['process', 'loop CPU s', 'per order', 'flash CPU s', 'per placed', 'ceiling CPU s', 'per flow'],
    names.map((name) => [
      name,
      cell(loop?.cpu, name, false),
      cell(loop?.cpu, name, true),
      cell(flash?.cpu, name, false),
      cell(flash?.cpu, name, true),
      cell(ceiling?.cpu, name, false),
      cell(ceiling?.cpu, name, true),
    ]),
  );
}

function historyTable(loop: LoopReport | null, ceiling: CeilingReport | null): string {
  const rows: Cell[][] = [];
  for (const [label, cost] of [
    ['placed order (+ fulfillment child)', loop?.history],
    ['ceiling flow (+ child)', ceiling?.history],
  ] as const) {
    if (!cost) continue;
    const c = cost.perFlow;
    rows.push([
      `${label}${cost.settled ? '' : ' (still growing)'}`,
      cost.sampled,
      c.events,
      c.workflowTasks,
      c.activities,
      c.localActivities,
      c.updates,
      c.childWorkflows,
      c.searchAttributeUpserts,
    ]);
  }
  return formatTable(
    [
      'per flow',
      'sampled',
      'events',
      'wf tasks',
      'activities',
      'local acts',
      'updates',
      'children',
      'SA upserts',
    ],
    rows,
  );
}

/** The report as the tables printed at the end: each topology's, then the topologies side by side. */
export function renderReport(report: BenchReport): string {
  const sections = report.runs.map(
    (run) => `== ${run.topology} ==\n\n${run.error ? `failed: ${run.error}\n\n` : ''}${renderRun(run)}`,
  );
  if (report.runs.length > 1)
    sections.push(`== topologies side by side ==\n\n${renderComparison(report.comparison)}`);
  return sections.join('\n\n');
}

/** One topology's tables. */
export function renderRun(report: TopologyRun): string {
  const { loop, flash, ceiling, openOrders } = report;
  const out: string[] = [];
  if (loop || ceiling) {
    const rows: Cell[][] = [];
    if (loop) {
      rows.push([
        `closed loop: ${loop.shoppers} shoppers, ${formatNumber(loop.seconds)} s`,
        loop.ordersPerSecond,
        loop.placed,
        loop.errors,
        loop.serverErrors,
      ]);
    }
    if (ceiling) {
      rows.push([
        `Temporal ceiling: ${ceiling.concurrency} flows at a time, ${formatNumber(ceiling.seconds)} s`,
        ceiling.flowsPerSecond,
        ceiling.flows,
        ceiling.errors,
        '–',
      ]);
    }
    out.push(formatTable(['throughput', 'per second', 'done', 'errors', '5xx'], rows));
    if (ceiling?.ratio != null) out.push(`ratio to the Temporal ceiling: ${ceiling.ratio.toFixed(2)}`);
    out.push(
      formatTable(
        ['latency ms', 'count', 'p50', 'p95', 'p99', 'max'],
        [
          ...(loop ? latencyRows('loop', loop.latency) : []),
          ...(ceiling ? latencyRows('ceiling', ceiling.latency) : []),
        ],
      ),
    );
    out.push(historyTable(loop, ceiling));
  }
  if (flash) {
    out.push(
      formatTable(
        ['flash sale', 'value'],
        [
          ['shoppers / units', `${flash.shoppers} / ${flash.units}`],
          ['placed', flash.placed],
          ['told short', flash.toldShort],
          ['errors (5xx)', `${flash.errors} (${flash.serverErrors})`],
          ['units left on the shard', flash.unitsLeft ?? '–'],
          ['exact', flash.exact ? 'yes' : 'NO'],
          ['BEGIN p50 / p99 ms', `${ms(flash.begin.p50)} / ${ms(flash.begin.p99)}`],
          ['all BEGINs answered after s', flash.allBeginsAnsweredSeconds],
          [
            'last 201 / last 409 after s',
            `${seconds(flash.lastReservedSeconds)} / ${seconds(flash.lastRefusedSeconds)}`,
          ],
          ['all journeys done after s', flash.allJourneysSeconds],
        ],
      ),
    );
  }
  if (loop || flash || ceiling) out.push(cpuTable(loop, flash, ceiling));
  if (openOrders) {
    out.push(
      formatTable(
        ['open orders', 'value'],
        [
          ['begun / asked', `${openOrders.begun} / ${openOrders.requested}`],
          ['errors (5xx)', `${openOrders.errors} (${openOrders.serverErrors})`],
          ['seconds to begin them', openOrders.seconds],
          ['order worker RSS MiB before', Math.round(openOrders.workerRssMiBBefore)],
          ['order worker RSS MiB with them open', Math.round(openOrders.workerRssMiBAfter)],
          [
            `order worker peak RSS MiB since ${openOrders.workerPeakSince}`,
            Math.round(openOrders.workerPeakRssMiB),
          ],
        ],
      ),
    );
  }
  if (report.crashes.length > 0)
    out.push(`processes that exited on their own:\n  ${report.crashes.join('\n  ')}`);
  return out.join('\n\n');
}
