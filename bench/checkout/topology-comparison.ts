/**
 * The topologies side by side: each one's closed-loop orders/s and latency, its Temporal ceiling, and the
 * CPU its Temporal processes spent per placed order, with ratios to the dev server's figures of the same run.
 */
import type { CpuCost, TopologyRun } from './bench-report.js';
import type { LatencySummary } from './latency.js';
import { type Cell, formatNumber, formatTable } from './text-table.js';
import { isTemporalProcess } from './topology.js';

export type Percentiles = Pick<LatencySummary, 'p50' | 'p95' | 'p99'>;

export interface TopologyComparison {
  topology: string;
  /** Why the topology has no figures; null when it ran. */
  error: string | null;
  ordersPerSecond: number | null;
  /** This topology's figure over the dev server's; null without both. */
  ordersVsDev: number | null;
  latency: Record<'begin' | 'payment' | 'submit', Percentiles> | null;
  ceilingFlowsPerSecond: number | null;
  ceilingVsDev: number | null;
  /** CPU seconds of Temporal's processes (the cluster: every service and its PostgreSQL) per placed order. */
  temporalCpuPerOrder: number | null;
  temporalCpuPerOrderVsDev: number | null;
  /** The same per ceiling flow. */
  temporalCpuPerFlow: number | null;
  /** The processes those CPU figures add up. */
  temporalProcesses: string[];
}

/** The sum over Temporal's processes of a phase's CPU per unit; null when none was measured or nothing completed. */
export function temporalCpuPerUnit(cost: CpuCost | undefined): number | null {
  if (!cost) return null;
  const values = Object.entries(cost.perUnit)
    .filter(([name]) => isTemporalProcess(name))
    .map(([, value]) => value);
  const sum = values.reduce((a, b) => a + b, 0);
  return values.length > 0 && Number.isFinite(sum) ? sum : null;
}

function ratio(value: number | null, base: number | null): number | null {
  return value !== null && base !== null && base > 0 ? value / base : null;
}

const percentiles = ({ p50, p95, p99 }: LatencySummary): Percentiles => ({ p50, p95, p99 });

/** One row per run, in the run's order; ratios against the run labelled `dev`, if it ran. */
export function compareTopologies(runs: readonly TopologyRun[]): TopologyComparison[] {
  const rows = runs.map((run) => {
    const { loop, ceiling } = run;
    const names = Object.keys({ ...loop?.cpu.seconds, ...ceiling?.cpu.seconds }).filter(isTemporalProcess);
    return {
      topology: run.topology,
      error: run.error,
      ordersPerSecond: loop?.ordersPerSecond ?? null,
      ordersVsDev: null,
      latency: loop
        ? {
            begin: percentiles(loop.latency.begin),
            payment: percentiles(loop.latency.payment),
            submit: percentiles(loop.latency.submit),
          }
        : null,
      ceilingFlowsPerSecond: ceiling?.flowsPerSecond ?? null,
      ceilingVsDev: null,
      temporalCpuPerOrder: temporalCpuPerUnit(loop?.cpu),
      temporalCpuPerOrderVsDev: null,
      temporalCpuPerFlow: temporalCpuPerUnit(ceiling?.cpu),
      temporalProcesses: names.sort(),
    } satisfies TopologyComparison;
  });
  const dev = rows.find((row) => row.topology === 'dev' && row.error === null);
  return rows.map((row) => ({
    ...row,
    ordersVsDev: ratio(row.ordersPerSecond, dev?.ordersPerSecond ?? null),
    ceilingVsDev: ratio(row.ceilingFlowsPerSecond, dev?.ceilingFlowsPerSecond ?? null),
    temporalCpuPerOrderVsDev: ratio(row.temporalCpuPerOrder, dev?.temporalCpuPerOrder ?? null),
  }));
}

const ms = (p: Percentiles | undefined): Cell =>
  p && Number.isFinite(p.p50)
    ? [p.p50, p.p95, p.p99].map((v) => formatNumber(Math.round(v))).join(' / ')
    : '–';
const cell = (value: number | null): Cell => value ?? '–';

/** The comparison as a table, then a line for each topology that failed. */
export function renderComparison(rows: readonly TopologyComparison[]): string {
  const table = formatTable(
    [
      'topology',
      'orders/s',
      '× dev',
      'BEGIN ms p50/95/99',
      'payment ms p50/95/99',
      'SUBMIT ms p50/95/99',
      'ceiling flows/s',
      '× dev',
      'Temporal CPU s/order',
      '× dev',
    ],
    rows.map((row) => [
      row.topology,
      cell(row.ordersPerSecond),
      cell(row.ordersVsDev),
      ms(row.latency?.begin),
      ms(row.latency?.payment),
      ms(row.latency?.submit),
      cell(row.ceilingFlowsPerSecond),
      cell(row.ceilingVsDev),
      cell(row.temporalCpuPerOrder),
      cell(row.temporalCpuPerOrderVsDev),
    ]),
  );
  const failures = rows
    .filter((row) => row.error !== null)
    .map((row) => `${row.topology} failed: ${row.error}`);
  return [table, ...failures].join('\n');
}
