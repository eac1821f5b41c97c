/**
 * The measured phases of one benchmark run on one stack: each runs its load (bench/checkout/checkout-phases.ts,
 * bench/ceiling/ceiling-driver.ts), charges the CPU of every process to what it completed, and reads the
 * history cost of a sample.
 */
import type { Client } from '@temporalio/client';
import { fulfillmentWorkflowId, orderWorkflowId } from '../../workflows/definitions.js';
import { runCeiling } from '../ceiling/ceiling-driver.js';
import { describeShape } from '../ceiling/flow-shape.js';
import type { BenchCatalog } from './bench-catalog.js';
import type { BenchOptions } from './bench-options.js';
import type { CeilingReport, CpuCost, FlashReport, LoopReport, OpenOrdersReport } from './bench-report.js';
import type { BenchStack } from './bench-stack.js';
import { type PhaseContext, runCheckoutLoop, runFlashSale, runOpenOrders } from './checkout-phases.js';
import { evenSample, historyCostPerFlow } from './histories.js';
import { cpuDelta, resetPeakMemory, residentMemory, treeCpuSeconds } from './proc-stats.js';
import { waitUntilQuiet } from './quiet.js';
import { say } from './say.js';

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

export async function loopPhase(
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

export async function flashPhase(
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
    lastReservedSeconds: result.lastReservedSeconds,
    lastRefusedSeconds: result.lastRefusedSeconds,
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

export async function ceilingPhase(
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

export async function openOrdersPhase(
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
