/**
 * Runs the benchmark on each Temporal topology in turn: a fresh platform for each, started, measured and
 * stopped before the next starts, so no two share the machine. A topology that fails keeps its error and
 * whatever it measured before; the next one still runs.
 */
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { type BenchCatalog, seedBenchCatalog } from './bench-catalog.js';
import { type BenchOptions, type Phase, skippedOn } from './bench-options.js';
import type { TopologyRun } from './bench-report.js';
import { BenchStack } from './bench-stack.js';
import type { PhaseContext } from './checkout-phases.js';
import { ceilingPhase, flashPhase, loopPhase, openOrdersPhase } from './measured-phases.js';
import { waitUntilQuiet } from './quiet.js';
import { say } from './say.js';
import { type Topology, topologyLabel } from './topology.js';

export interface TopologiesSetup {
  options: BenchOptions;
  /** Scratch directory: each topology's platform gets a folder of its own in it. */
  dir: string;
  /** The Temporal CLI (the dev server); unused by the cluster. */
  temporalCli: string;
  jwtSecret: string;
  reservationTtlSeconds: number;
  /** Names the seeded items. */
  runId: string;
}

export async function runTopologies(setup: TopologiesSetup): Promise<TopologyRun[]> {
  const runs: TopologyRun[] = [];
  for (const [index, topology] of setup.options.topologies.entries()) {
    runs.push(await runTopology(topology, skippedOn(setup.options.skip, index), setup));
  }
  return runs;
}

async function runTopology(
  topology: Topology,
  skip: ReadonlySet<Phase>,
  setup: TopologiesSetup,
): Promise<TopologyRun> {
  const label = topologyLabel(topology);
  const startedAt = new Date().toISOString();
  const run: TopologyRun = {
    topology: label,
    startedAt,
    finishedAt: startedAt,
    loadAverageAtStart: os.loadavg(),
    loadAverageAtEnd: [],
    error: null,
    loop: null,
    flash: null,
    ceiling: null,
    openOrders: null,
    crashes: [],
  };
  const dir = path.join(setup.dir, label.replace(':', '-'));
  say(`${label}: starting the platform in ${dir}`);
  let stack: BenchStack | undefined;
  let connection: Connection | undefined;
  try {
    stack = await BenchStack.start({
      dir,
      temporalCli: setup.temporalCli,
      shardCount: setup.options.shards,
      topology,
      jwtSecret: setup.jwtSecret,
      reservationTtlSeconds: setup.reservationTtlSeconds,
      log: (message) => say(`${label}: ${message}`),
    });
    connection = await Connection.connect({ address: stack.temporalAddress });
    await measure(stack, new Client({ connection }), skip, setup, run);
  } catch (error) {
    run.error = error instanceof Error ? error.message : String(error);
    say(`${label} failed: ${run.error}`);
  } finally {
    run.crashes = stack?.crashes ?? [];
    await connection?.close();
    await stack?.stop();
    run.finishedAt = new Date().toISOString();
    run.loadAverageAtEnd = os.loadavg();
  }
  return run;
}

/** The phases not skipped, in order, each written into `run` as soon as it is measured. */
async function measure(
  stack: BenchStack,
  client: Client,
  skip: ReadonlySet<Phase>,
  setup: TopologiesSetup,
  run: TopologyRun,
): Promise<void> {
  const { options } = setup;
  const catalog: BenchCatalog = await seedBenchCatalog(stack.repos, {
    loopItems: options.loopItems,
    flashUnits: options.flashUnits,
    runId: setup.runId,
  });
  const context: PhaseContext = { baseUrl: stack.baseUrl, jwtSecret: setup.jwtSecret };
  /** Runs the phase unless skipped, once what the previous phase left behind is done. */
  const phase = async <T>(name: Phase, measureIt: () => Promise<T>): Promise<T | null> => {
    if (skip.has(name)) return null;
    const waited = await waitUntilQuiet(stack.pids());
    if (waited > 5) say(`waited ${waited.toFixed(0)} s for the platform to finish earlier work`);
    return measureIt();
  };
  run.loop = await phase('loop', () => loopPhase(stack, client, context, catalog, options));
  run.flash = await phase('flash', () => flashPhase(stack, context, catalog, options));
  run.ceiling = await phase('ceiling', () => ceilingPhase(stack, client, options, run.loop));
  run.openOrders = await phase('open-orders', () => openOrdersPhase(stack, context, catalog, options));
}
