/**
 * `npm run bench -- [flags]` (flags: bench/checkout/bench-options.ts). Starts the platform on free
 * ports, warms up, then measures the checkout over HTTP (closed loop, flash sale), the Temporal ceiling
 * of the order's shape on the same server, and the order worker's memory with many open checkouts.
 * Prints tables and writes JSON and an SVG chart to bench/results/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
// @ts-expect-error plain .mjs without type declarations
import { ensureTemporalCli } from '../scripts/install-temporal-cli.mjs';
import { PROJECT_ROOT } from '../scripts/lib/project-paths.js';
import { seedBenchCatalog } from './checkout/bench-catalog.js';
import { renderChart } from './checkout/bench-chart.js';
import { type BenchOptions, type Phase, parseBenchOptions, USAGE } from './checkout/bench-options.js';
import { type BenchReport, renderReport } from './checkout/bench-report.js';
import { BenchStack } from './checkout/bench-stack.js';
import type { PhaseContext } from './checkout/checkout-phases.js';
import { ceilingPhase, flashPhase, loopPhase, openOrdersPhase } from './checkout/measured-phases.js';
import { waitUntilQuiet } from './checkout/quiet.js';
import { say } from './checkout/say.js';

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
  say(`starting the platform in ${dir}`);
  const stack = await BenchStack.start({
    dir,
    temporalCli: ensureTemporalCli() as string,
    shardCount: options.shards,
    jwtSecret: JWT_SECRET,
    reservationTtlSeconds: RESERVATION_TTL_SECONDS,
    log: say,
  });
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection });
  try {
    const catalog = await seedBenchCatalog(stack.repos, {
      loopItems: options.loopItems,
      flashUnits: options.flashUnits,
      runId: startedAt.replace(/\D/g, ''),
    });
    const context: PhaseContext = { baseUrl: stack.baseUrl, jwtSecret: JWT_SECRET };
    /** Runs the phase unless skipped, once what the previous phase left behind is done. */
    const run = async <T>(phase: Phase, measure: () => Promise<T>): Promise<T | null> => {
      if (options.skip.has(phase)) return null;
      const waited = await waitUntilQuiet(stack.pids());
      if (waited > 5) say(`waited ${waited.toFixed(0)} s for the platform to finish earlier work`);
      return measure();
    };
    const loop = await run('loop', () => loopPhase(stack, client, context, catalog, options));
    const flash = await run('flash', () => flashPhase(stack, context, catalog, options));
    const ceiling = await run('ceiling', () => ceilingPhase(stack, client, options, loop));
    const openOrders = await run('open-orders', () => openOrdersPhase(stack, context, catalog, options));
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
      loop,
      flash,
      ceiling,
      openOrders,
      crashes: stack.crashes,
    };
    console.log(`\n${renderReport(report)}\n`);
    for (const [label, samples] of [
      ['loop', loop?.errorSamples],
      ['flash', flash?.errorSamples],
      ['ceiling', ceiling?.errorSamples],
      ['open orders', openOrders?.errorSamples],
    ] as const) {
      if (samples?.length)
        console.log(`${label} errors, first ${samples.length}:\n  ${samples.join('\n  ')}`);
    }
    for (const file of await writeResults(report, options.outDir))
      say(`wrote ${path.relative(PROJECT_ROOT, file)}`);
  } finally {
    await connection.close();
    await stack.stop();
    if (options.keep) say(`kept ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
