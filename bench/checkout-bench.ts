/**
 * `npm run bench -- [flags]` (flags: bench/checkout/bench-options.ts). For each Temporal topology asked
 * (the dev server, the cluster with N history shards), starts the platform on free ports, warms up, then
 * measures the checkout over HTTP (closed loop; on the first topology also the flash sale), the Temporal
 * ceiling of the order's shape on the same server, and (first topology) the order worker's memory with many
 * open checkouts; then stops it. Prints tables, the topologies side by side, and writes JSON and an SVG
 * chart to bench/results/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
// @ts-expect-error plain .mjs without type declarations
import { ensureTemporalCli } from '../scripts/install-temporal-cli.mjs';
import { PROJECT_ROOT } from '../scripts/lib/project-paths.js';
import { renderChart } from './checkout/bench-chart.js';
import { type BenchOptions, parseBenchOptions, USAGE } from './checkout/bench-options.js';
import { type BenchReport, renderReport } from './checkout/bench-report.js';
import { say } from './checkout/say.js';
import { runTopologies } from './checkout/topologies.js';
import { compareTopologies } from './checkout/topology-comparison.js';

const JWT_SECRET = 'bench-jwt-secret';
/** Longer than any run, so no checkout of the open-orders phase expires while it is measured. */
const RESERVATION_TTL_SECONDS = 3600;

async function writeResults(report: BenchReport, outDir: string): Promise<string[]> {
  const dir = path.resolve(PROJECT_ROOT, outDir);
  fs.mkdirSync(dir, { recursive: true });
  const stem = path.join(dir, `checkout-${report.startedAt.replaceAll(':', '-').replace(/\.\d+Z$/, 'Z')}`);
  fs.writeFileSync(`${stem}.json`, `${JSON.stringify(report, null, 2)}\n`);
  fs.writeFileSync(`${stem}.svg`, await renderChart(report));
  return [`${stem}.json`, `${stem}.svg`];
}

async function main(): Promise<void> {
  let options: BenchOptions;
  try {
    options = parseBenchOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    process.exit(2);
  }
  if (options.help) {
    console.log(USAGE);
    return;
  }
  const startedAt = new Date().toISOString();
  const loadAverageAtStart = os.loadavg();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'order-platform-bench-run-'));
  // Open to the postgres user when running as root, so the databases stay in here and go with it.
  fs.chmodSync(dir, 0o755);
  try {
    const runs = await runTopologies({
      options,
      dir,
      temporalCli: options.topologies.some((t) => t.kind === 'dev') ? (ensureTemporalCli() as string) : '',
      jwtSecret: JWT_SECRET,
      reservationTtlSeconds: RESERVATION_TTL_SECONDS,
      runId: startedAt.replace(/\D/g, ''),
    });
    const report: BenchReport = {
      startedAt,
      finishedAt: new Date().toISOString(),
      command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
      machine: {
        cpus: os.cpus().length,
        loadAverageAtStart,
        loadAverageAtEnd: os.loadavg(),
        node: process.version,
      },
      flowShape: options.ceilingShape,
      runs,
      comparison: compareTopologies(runs),
    };
    console.log(`\n${renderReport(report)}\n`);
    for (const run of runs) {
      for (const [label, samples] of [
        ['loop', run.loop?.errorSamples],
        ['flash', run.flash?.errorSamples],
        ['ceiling', run.ceiling?.errorSamples],
        ['open orders', run.openOrders?.errorSamples],
      ] as const) {
        if (samples?.length)
          console.log(`${run.topology} ${label} errors, first ${samples.length}:\n  ${samples.join('\n  ')}`);
      }
    }
    for (const file of await writeResults(report, options.outDir))
      say(`wrote ${path.relative(PROJECT_ROOT, file)}`);
    if (runs.some((run) => run.error !== null)) process.exitCode = 1;
  } finally {
    if (options.keep) say(`kept ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
