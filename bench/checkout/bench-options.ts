/** Command-line flags of `npm run bench`, with the defaults of the figures. */
import { parseArgs } from 'node:util';
import { assertValidShape, type FlowShape, ORDER_FLOW_SHAPE, STEP_KEYS } from '../ceiling/flow-shape.js';
import { DEFAULT_TOPOLOGIES, parseTopologies, type Topology } from './topology.js';

export const PHASES = ['loop', 'flash', 'ceiling', 'open-orders'] as const;
export type Phase = (typeof PHASES)[number];
/** Phases measured on the first topology listed only (the others run the closed loop and the ceiling). */
export const FIRST_TOPOLOGY_ONLY: readonly Phase[] = ['flash', 'open-orders'];

/** The phases skipped on the topology at `index` of the list: those asked, and the first topology's own. */
export function skippedOn(skip: ReadonlySet<Phase>, index: number): Set<Phase> {
  return new Set([...skip, ...(index === 0 ? [] : FIRST_TOPOLOGY_ONLY)]);
}

export interface BenchOptions {
  warmupSeconds: number;
  loopSeconds: number;
  shoppers: number;
  loopItems: number;
  flashShoppers: number;
  flashUnits: number;
  ceilingSeconds: number;
  /** The ceiling's flow shape when it is not the order's own (to compare shapes before reshaping). */
  ceilingShape: FlowShape;
  openOrders: number;
  openOrdersConcurrency: number;
  historySample: number;
  shards: number;
  /** Each gets a fresh platform, one after the other, in this order. */
  topologies: Topology[];
  skip: ReadonlySet<Phase>;
  outDir: string;
  keep: boolean;
  help: boolean;
}

export const USAGE = `npm run bench -- [flags]
  --loop-seconds N          closed loop duration (60)
  --warmup-seconds N        closed loop before measuring, also before the ceiling (10)
  --shoppers N              closed-loop shoppers, and the ceiling's concurrency (32)
  --loop-items N            well-stocked items of the closed loop (40)
  --flash-shoppers N        flash sale: shoppers at once (1000)
  --flash-units N           flash sale: units of the item (100)
  --ceiling-seconds N       Temporal ceiling duration (= --loop-seconds)
  --ceiling-shape JSON      the ceiling's flow shape instead of the order's (a FlowShape, e.g. to compare
                            shapes before reshaping the order; its ratio then compares unlike things)
  --open-orders N           checkouts begun and left open for the worker RSS reading (10000)
  --open-orders-concurrency N  shoppers beginning them (64)
  --history-sample N        placed orders whose histories are read (20)
  --shards N                PostgreSQL shards (2, as npm start)
  --topologies a,b          Temporal topologies, each on a fresh platform in turn (${DEFAULT_TOPOLOGIES}):
                            dev = the dev server, cluster:N = the cluster with N history shards; the flash
                            sale and the open orders run on the first one only
  --skip a,b                phases to skip: ${PHASES.join(', ')}
  --out DIR                 where the JSON and the chart go (bench/results)
  --keep                    keep the scratch directory (Temporal database, shard data, process log)
  --help                    this list`;

function positive(name: string, raw: string | undefined, fallback: number): number {
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(value) || value <= 0)
    throw new RangeError(`--${name} must be a positive integer, got ${raw}`);
  return value;
}

export function parseBenchOptions(args: readonly string[]): BenchOptions {
  const flag = { type: 'string' } as const;
  const { values } = parseArgs({
    args: [...args],
    options: {
      'loop-seconds': flag,
      'warmup-seconds': flag,
      shoppers: flag,
      'loop-items': flag,
      'flash-shoppers': flag,
      'flash-units': flag,
      'ceiling-seconds': flag,
      'ceiling-shape': flag,
      'open-orders': flag,
      'open-orders-concurrency': flag,
      'history-sample': flag,
      shards: flag,
      topologies: flag,
      skip: flag,
      out: flag,
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const skip = new Set((values.skip ?? '').split(',').filter(Boolean));
  for (const name of skip) {
    if (!(PHASES as readonly string[]).includes(name)) throw new RangeError(`--skip: unknown phase ${name}`);
  }
  const loopSeconds = positive('loop-seconds', values['loop-seconds'], 60);
  const flashShoppers = positive('flash-shoppers', values['flash-shoppers'], 1000);
  const flashUnits = positive('flash-units', values['flash-units'], 100);
  if (flashUnits > flashShoppers) throw new RangeError('--flash-units must not exceed --flash-shoppers');
  return {
    warmupSeconds: positive('warmup-seconds', values['warmup-seconds'], 10),
    loopSeconds,
    shoppers: positive('shoppers', values.shoppers, 32),
    loopItems: positive('loop-items', values['loop-items'], 40),
    flashShoppers,
    flashUnits,
    ceilingSeconds: positive('ceiling-seconds', values['ceiling-seconds'], loopSeconds),
    ceilingShape: parseShape(values['ceiling-shape']),
    openOrders: positive('open-orders', values['open-orders'], 10_000),
    openOrdersConcurrency: positive('open-orders-concurrency', values['open-orders-concurrency'], 64),
    historySample: positive('history-sample', values['history-sample'], 20),
    shards: positive('shards', values.shards, 2),
    topologies: parseTopologies(values.topologies ?? DEFAULT_TOPOLOGIES),
    skip: skip as Set<Phase>,
    outDir: values.out ?? 'bench/results',
    keep: values.keep ?? false,
    help: values.help ?? false,
  };
}

function parseShape(raw: string | undefined): FlowShape {
  if (raw === undefined) return ORDER_FLOW_SHAPE;
  let shape: FlowShape;
  try {
    shape = JSON.parse(raw) as FlowShape;
  } catch {
    throw new RangeError(`--ceiling-shape must be JSON, got ${raw}`);
  }
  for (const key of STEP_KEYS) {
    if (typeof shape?.[key] !== 'object' || shape[key] === null)
      throw new RangeError(`--ceiling-shape needs ${key}: {activities, localActivities}`);
  }
  shape.child ??= null;
  assertValidShape(shape);
  return shape;
}
