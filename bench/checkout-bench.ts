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
import { fulfillmentWorkflowId, orderWorkflowId } from '../workflows/definitions.js';
import { runCeiling } from './ceiling/ceiling-driver.js';
import { describeShape } from './ceiling/flow-shape.js';
import { type BenchCatalog, seedBenchCatalog } from './checkout/bench-catalog.js';
import { renderChart } from './checkout/bench-chart.js';
import { type BenchOptions, type Phase, parseBenchOptions, USAGE } from './checkout/bench-options.js';
import type {
  BenchReport,
  CeilingReport,
  CpuCost,
  FlashReport,
  LoopReport,
  OpenOrdersReport,
} from './checkout/bench-report.js';
import { renderReport } from './checkout/bench-report.js';
import { BenchStack } from './checkout/bench-stack.js';
import {
  type PhaseContext,
  runCheckoutLoop,
  runFlashSale,
  runOpenOrders,
} from './checkout/checkout-phases.js';
import { evenSample, historyCostPerFlow } from './checkout/histories.js';
import { cpuDelta, resetPeakMemory, residentMemory, treeCpuSeconds } from './checkout/proc-stats.js';
import { waitUntilQuiet } from './checkout/quiet.js';

const JWT_SECRET = 'bench-jwt-secret';
/** Longer than any run, so no checkout of the open-orders phase expires while it is measured. */
const RESERVATION_TTL_SECONDS = 3600;

const say = (message: string) => console.log(`[bench] ${message}`);

/** Runs `phase` and charges the CPU every process used meanwhile to the units it completed. */
async function withCpu<T>(
  stack: BenchStack,
  phase: () => Promise<T>,
  units: (result: T) => number,
): Promise<[T, CpuCost]> {
  const pids = stack.pids();
  const before = treeCpuSeconds(pids);
  const driverBefore = process.cpuUsage();
  const result = await phase();
  const seconds = cpuDelta(before, treeCpuSeconds(pids));
  // The benchmark's own process (the shoppers, or the ceiling's client): not the platform's cost, but
  // it shares the machine, so a busy driver shows here.
  const driver = process.cpuUsage(driverBefore);
  seconds['bench driver'] = (driver.user + driver.system) / 1e6;
  const n = units(result);
  const perUnit = Object.fromEntries(Object.entries(seconds).map(([k, v]) => [k, n ? v / n : Number.NaN]));
  return [result, { seconds, perUnit }];
}

async function loopPhase(
  stack: BenchStack,
  client: Client,
  context: PhaseContext,
  catalog: BenchCatalog,
  options: BenchOptions,
): Promise<LoopReport> {
  const loop = { concurrency: options.shoppers, itemIds: catalog.loopItemIds };
  say(`warm-up: ${options.warmupSeconds} s`);
  await runCheckoutLoop(context, { ...loop, phase: 'warm-up', seconds: options.warmupSeconds });
  say(`closed loop: ${options.shoppers} shoppers, ${options.loopSeconds} s`);
  const [result, cpu] = await withCpu(
    stack,
    () => runCheckoutLoop(context, { ...loop, phase: 'loop', seconds: options.loopSeconds }),
    (r) => r.tally.placed,
  );
  say(`reading the histories of ${Math.min(options.historySample, result.tally.placed)} placed orders`);
  const sample = evenSample(result.tally.placedOrderIds, options.historySample);
  const history = sample.length
    ? await historyCostPerFlow(
        client,
        sample.map((id) => [orderWorkflowId(id), fulfillmentWorkflowId(id)]),
      )
    : null;
  return {
    shoppers: options.shoppers,
    seconds: result.seconds,
    placed: result.tally.placed,
    ordersPerSecond: result.ordersPerSecond,
    errors: result.tally.errors,
    serverErrors: result.tally.serverErrors,
    errorSamples: result.tally.errorSamples,
    latency: result.latency,
    history,
    cpu,
  };
}

async function flashPhase(
  stack: BenchStack,
  context: PhaseContext,
  catalog: BenchCatalog,
  options: BenchOptions,
): Promise<FlashReport> {
  say(`flash sale: ${options.flashShoppers} shoppers at once, ${options.flashUnits} units`);
  const [result, cpu] = await withCpu(
    stack,
    () =>
      runFlashSale(context, {
        shoppers: options.flashShoppers,
        units: options.flashUnits,
        itemId: catalog.flashItemId,
      }),
    (r) => r.tally.placed,
  );
  const unitsLeft = (await stack.repos.stock.getStock(catalog.flashItemId))?.available ?? null;
  const { tally } = result;
  return {
    shoppers: result.shoppers,
    units: result.units,
    placed: tally.placed,
    toldShort: tally.short,
    errors: tally.errors,
    serverErrors: tally.serverErrors,
    errorSamples: tally.errorSamples,
    begin: result.begin,
    allBeginsAnsweredSeconds: result.allBeginsAnsweredSeconds,
    allJourneysSeconds: result.allJourneysSeconds,
    unitsLeft,
    exact:
      tally.placed === result.units &&
      tally.short === result.shoppers - result.units &&
      tally.errors === 0 &&
      unitsLeft === 0,
    cpu,
  };
}

async function ceilingPhase(
  stack: BenchStack,
  client: Client,
  options: BenchOptions,
  loop: LoopReport | null,
): Promise<CeilingReport> {
  say(`Temporal ceiling: ${describeShape(options.ceilingShape)}`);
  stack.startCeilingWorker();
  try {
    const ceiling = { shape: options.ceilingShape, concurrency: options.shoppers };
    // The first flows wait until the worker has bundled its workflow and polls.
    await runCeiling(client, { ...ceiling, phase: 'ceiling warm-up', seconds: options.warmupSeconds });
    const [result, cpu] = await withCpu(
      stack,
      () => runCeiling(client, { ...ceiling, phase: 'ceiling', seconds: options.ceilingSeconds }),
      (r) => r.flows,
    );
    const sample = evenSample(result.flowIds, options.historySample);
    const history = sample.length ? await historyCostPerFlow(client, sample) : null;
    return {
      concurrency: options.shoppers,
      seconds: result.seconds,
      flows: result.flows,
      flowsPerSecond: result.flowsPerSecond,
      errors: result.errors,
      errorSamples: result.errorSamples,
      latency: result.latency,
      history,
      cpu,
      ratio: loop && result.flowsPerSecond > 0 ? loop.ordersPerSecond / result.flowsPerSecond : null,
    };
  } finally {
    await stack.stopCeilingWorker();
  }
}

async function openOrdersPhase(
  stack: BenchStack,
  context: PhaseContext,
  catalog: BenchCatalog,
  options: BenchOptions,
): Promise<OpenOrdersReport> {
  const workerPid = stack.pids()['order-worker'];
  if (!workerPid) throw new Error('the order worker is not running');
  const before = residentMemory(workerPid);
  const peakFromPhaseStart = resetPeakMemory(workerPid);
  say(`open orders: beginning ${options.openOrders} checkouts and leaving them unpaid`);
  const result = await runOpenOrders(context, {
    count: options.openOrders,
    concurrency: options.openOrdersConcurrency,
    itemIds: catalog.loopItemIds,
  });
  // Let the last workflow tasks finish before reading the worker's memory.
  await waitUntilQuiet(stack.pids());
  // A worker that crashed meanwhile was restarted: its memory says nothing of the orders (report.crashes).
  const workerPidAfter = stack.pids()['order-worker'];
  const after = workerPidAfter === workerPid ? residentMemory(workerPid) : null;
  return {
    requested: result.requested,
    begun: result.tally.open,
    errors: result.tally.errors,
    serverErrors: result.tally.serverErrors,
    errorSamples: result.tally.errorSamples,
    seconds: result.seconds,
    workerRssMiBBefore: before.rssMiB,
    workerRssMiBAfter: after?.rssMiB ?? Number.NaN,
    workerPeakRssMiB: after?.peakMiB ?? Number.NaN,
    workerPeakSince: peakFromPhaseStart ? 'phase start' : 'process start',
  };
}

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
