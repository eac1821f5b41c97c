/**
 * The run's chart as SVG, drawn by Vega (rendered headless, no browser or canvas): latency percentiles
 * of each step, the closed loop beside the Temporal ceiling and the flash sale, for each topology,
 * throughput in the title.
 */
import { parse, type Spec, View } from 'vega';
import type { BenchReport } from './bench-report.js';

interface Bar {
  step: string;
  percentile: string;
  ms: number;
}

/** Each run's bars; with more than one topology, each step is named with its topology first. */
export function chartBars(report: BenchReport): Bar[] {
  const bars: Bar[] = [];
  const named = report.runs.length > 1;
  for (const run of report.runs) {
    const prefix = named ? `${run.topology} ` : '';
    const add = (label: string, latency: Record<string, { p50: number; p95: number; p99: number }>) => {
      for (const [step, s] of Object.entries(latency)) {
        for (const p of ['p50', 'p95', 'p99'] as const) {
          if (Number.isFinite(s[p]))
            bars.push({ step: `${prefix}${label} ${step}`, percentile: p, ms: Math.round(s[p]) });
        }
      }
    };
    if (run.loop) add('loop', run.loop.latency);
    if (run.ceiling) add('ceiling', run.ceiling.latency);
    if (run.flash) add('flash', { begin: run.flash.begin });
  }
  return bars;
}

export function chartTitle(report: BenchReport): string[] {
  const lines: string[] = [];
  const named = report.runs.length > 1;
  for (const run of report.runs) {
    const prefix = named ? `${run.topology}: ` : '';
    if (run.error) lines.push(`${prefix}failed`);
    if (run.loop)
      lines.push(
        `${prefix}closed loop: ${run.loop.ordersPerSecond.toFixed(1)} orders/s, ${run.loop.serverErrors} 5xx`,
      );
    if (run.ceiling) {
      const ratio = run.ceiling.ratio == null ? '' : ` (ratio ${run.ceiling.ratio.toFixed(2)})`;
      lines.push(`${prefix}Temporal ceiling: ${run.ceiling.flowsPerSecond.toFixed(1)} flows/s${ratio}`);
    }
    if (run.flash) {
      const f = run.flash;
      lines.push(
        `${prefix}flash sale ${f.shoppers}/${f.units}: ${f.placed} placed, ${f.toldShort} told short, all answered in ${f.allBeginsAnsweredSeconds.toFixed(1)} s`,
      );
    }
  }
  return lines;
}

export async function renderChart(report: BenchReport): Promise<string> {
  const bars = chartBars(report);
  const steps = new Set(bars.map((bar) => bar.step)).size;
  const spec: Spec = {
    $schema: 'https://vega.github.io/schema/vega/v6.json',
    width: 640,
    // Room for three readable bars a step, however many topologies ran.
    height: Math.max(420, steps * 36),
    padding: 8,
    title: { text: chartTitle(report), anchor: 'start', fontSize: 12 },
    data: [{ name: 'bars', values: bars }],
    scales: [
      { name: 'y', type: 'band', domain: { data: 'bars', field: 'step' }, range: 'height', padding: 0.2 },
      {
        name: 'x',
        type: 'linear',
        domain: { data: 'bars', field: 'ms' },
        range: 'width',
        nice: true,
        zero: true,
      },
      { name: 'color', type: 'ordinal', domain: ['p50', 'p95', 'p99'], range: { scheme: 'tableau10' } },
    ],
    axes: [
      // Wide enough for a step named with its topology (cluster:16 ceiling payment).
      { orient: 'left', scale: 'y', title: 'step', labelLimit: 320 },
      { orient: 'bottom', scale: 'x', title: 'latency, ms', grid: true },
    ],
    legends: [{ fill: 'color', title: 'percentile' }],
    marks: [
      {
        type: 'group',
        from: { facet: { data: 'bars', name: 'step_bars', groupby: 'step' } },
        encode: { enter: { y: { scale: 'y', field: 'step' } } },
        signals: [{ name: 'height', update: "bandwidth('y')" }],
        scales: [
          { name: 'row', type: 'band', range: 'height', domain: { data: 'step_bars', field: 'percentile' } },
        ],
        marks: [
          {
            type: 'rect',
            from: { data: 'step_bars' },
            encode: {
              enter: {
                y: { scale: 'row', field: 'percentile' },
                height: { scale: 'row', band: 1 },
                x: { scale: 'x', field: 'ms' },
                x2: { scale: 'x', value: 0 },
                fill: { scale: 'color', field: 'percentile' },
              },
            },
          },
        ],
      },
    ],
  };
  const view = new View(parse(spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
