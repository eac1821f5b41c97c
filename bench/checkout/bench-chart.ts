/**
 * The run's chart as SVG, drawn by Vega (rendered headless, no browser or canvas): latency percentiles
 * of each step, the closed loop beside the Temporal ceiling and the flash sale, throughput in the title.
 */
import { parse, type Spec, View } from 'vega';
import type { BenchReport } from './bench-report.js';

interface Bar {
  step: string;
  percentile: string;
  ms: number;
}

export function chartBars(report: BenchReport): Bar[] {
  const bars: Bar[] = [];
  const add = (label: string, latency: Record<string, { p50: number; p95: number; p99: number }>) => {
    for (const [step, s] of Object.entries(latency)) {
      for (const p of ['p50', 'p95', 'p99'] as const) {
        if (Number.isFinite(s[p]))
          bars.push({ step: `${label} ${step}`, percentile: p, ms: Math.round(s[p]) });
      }
    }
  };
  if (report.loop) add('loop', report.loop.latency);
  if (report.ceiling) add('ceiling', report.ceiling.latency);
  if (report.flash) add('flash', { begin: report.flash.begin });
  return bars;
}

export function chartTitle(report: BenchReport): string[] {
  const lines: string[] = [];
  if (report.loop)
    lines.push(
      `closed loop: ${report.loop.ordersPerSecond.toFixed(1)} orders/s, ${report.loop.serverErrors} 5xx`,
    );
  if (report.ceiling) {
    const ratio = report.ceiling.ratio == null ? '' : ` (ratio ${report.ceiling.ratio.toFixed(2)})`;
    lines.push(`Temporal ceiling: ${report.ceiling.flowsPerSecond.toFixed(1)} flows/s${ratio}`);
  }
  if (report.flash) {
    const f = report.flash;
    lines.push(
      `flash sale ${f.shoppers}/${f.units}: ${f.placed} placed, ${f.toldShort} told short, all answered in ${f.allBeginsAnsweredSeconds.toFixed(1)} s`,
    );
  }
  return lines;
}

export async function renderChart(report: BenchReport): Promise<string> {
  const spec: Spec = {
    $schema: 'https://vega.github.io/schema/vega/v6.json',
    width: 640,
    height: 420,
    padding: 8,
    title: { text: chartTitle(report), anchor: 'start', fontSize: 12 },
    data: [{ name: 'bars', values: chartBars(report) }],
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
      { orient: 'left', scale: 'y', title: 'step' },
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
