/**
 * The HTTP phases of the benchmark: the closed loop (also the warm-up), the flash sale and the open
 * orders. Each returns its measurements; CPU and history costs are read around them by the runner.
 */
import { type ClosedLoopResult, runClosedLoop } from './closed-loop.js';
import { LatencyRecorder, type LatencySummary } from './latency.js';
import { startProgress } from './progress.js';
import { type Answer, CHECKOUT_STEPS, type CheckoutStep, mintToken, Shopper } from './shopper.js';
import { Tally } from './tally.js';

export interface PhaseContext {
  baseUrl: string;
  jwtSecret: string;
}

export interface LoopResult {
  seconds: number;
  ordersPerSecond: number;
  latency: Record<CheckoutStep, LatencySummary>;
  tally: Tally;
}

async function shoppers(
  context: PhaseContext,
  prefix: string,
  count: number,
  latency: LatencyRecorder<CheckoutStep>,
  onAnswer?: (step: CheckoutStep, status: Answer['status']) => void,
) {
  return Promise.all(
    Array.from(
      { length: count },
      async (_, i) =>
        new Shopper(context.baseUrl, await mintToken(context.jwtSecret, `${prefix}-${i}`), latency, onAnswer),
    ),
  );
}

/** `concurrency` shoppers, each checking out one unit of a random item, again and again. */
export async function runCheckoutLoop(
  context: PhaseContext,
  options: { phase: string; concurrency: number; seconds: number; itemIds: readonly string[] },
): Promise<LoopResult> {
  const latency = new LatencyRecorder<CheckoutStep>();
  const tally = new Tally();
  const team = await shoppers(context, `bench-${options.phase}`, options.concurrency, latency);
  const stop = startProgress(options.phase, 'placed', {
    done: () => tally.placed,
    errors: () => tally.errors,
  });
  let run: ClosedLoopResult;
  try {
    run = await runClosedLoop({
      concurrency: options.concurrency,
      seconds: options.seconds,
      iteration: async (worker) => {
        const itemId = options.itemIds[Math.floor(Math.random() * options.itemIds.length)]!;
        tally.add(await team[worker]!.checkout([{ itemId, quantity: 1 }]));
      },
    });
  } finally {
    stop();
  }
  return {
    seconds: run.seconds,
    ordersPerSecond: tally.placed / run.seconds,
    latency: latency.summaries(CHECKOUT_STEPS),
    tally,
  };
}

export interface FlashSaleResult {
  shoppers: number;
  units: number;
  tally: Tally;
  begin: LatencySummary;
  /** From the start until the last BEGIN was answered (201 or 409). */
  allBeginsAnsweredSeconds: number;
  /** Until the last reservation (201) was answered: the winners, paced by the workflows. */
  lastReservedSeconds: number;
  /** Until the last refusal (409) was answered: the losers, refused before any workflow. */
  lastRefusedSeconds: number;
  /** Until the last journey ended (the winners paid and submitted). */
  allJourneysSeconds: number;
}

/** Every shopper at once, one unit each of the flash item; winners pay and submit. */
export async function runFlashSale(
  context: PhaseContext,
  options: { shoppers: number; units: number; itemId: string },
): Promise<FlashSaleResult> {
  const latency = new LatencyRecorder<CheckoutStep>();
  const tally = new Tally();
  let begins = 0;
  const last = { begin: 0, reserved: 0, refused: 0 };
  const team = await shoppers(context, 'bench-flash', options.shoppers, latency, (step, status) => {
    if (step !== 'begin') return;
    begins++;
    last.begin = performance.now();
    if (status === 201) last.reserved = last.begin;
    if (status === 409) last.refused = last.begin;
  });
  const stop = startProgress('flash', 'answered', { done: () => begins, errors: () => tally.errors });
  const started = performance.now();
  try {
    await Promise.all(
      team.map(async (s) => tally.add(await s.checkout([{ itemId: options.itemId, quantity: 1 }]))),
    );
  } finally {
    stop();
  }
  return {
    shoppers: options.shoppers,
    units: options.units,
    tally,
    begin: latency.summaries(['begin']).begin,
    allBeginsAnsweredSeconds: (last.begin - started) / 1000,
    lastReservedSeconds: last.reserved ? (last.reserved - started) / 1000 : Number.NaN,
    lastRefusedSeconds: last.refused ? (last.refused - started) / 1000 : Number.NaN,
    allJourneysSeconds: (performance.now() - started) / 1000,
  };
}

export interface OpenOrdersResult {
  requested: number;
  tally: Tally;
  seconds: number;
}

/** `count` checkouts begun and never paid: they wait for payment until their reservation expires. */
export async function runOpenOrders(
  context: PhaseContext,
  options: { count: number; concurrency: number; itemIds: readonly string[] },
): Promise<OpenOrdersResult> {
  const latency = new LatencyRecorder<CheckoutStep>();
  const tally = new Tally();
  const team = await shoppers(context, 'bench-open', options.concurrency, latency);
  const stop = startProgress('open-orders', 'begun', { done: () => tally.open, errors: () => tally.errors });
  const started = performance.now();
  let next = 0;
  try {
    await Promise.all(
      team.map(async (shopper) => {
        while (next < options.count) {
          const itemId = options.itemIds[next++ % options.itemIds.length]!;
          tally.add(await shopper.checkout([{ itemId, quantity: 1 }], false));
        }
      }),
    );
  } finally {
    stop();
  }
  return { requested: options.count, tally, seconds: (performance.now() - started) / 1000 };
}
