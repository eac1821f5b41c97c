/**
 * The platform for the checkout benchmark: the chaos harness's stack (the processes `npm start` runs, as
 * separate processes on free loopback ports, durable shards, and Temporal as its dev server on a SQLite file
 * or as the cluster on its own PostgreSQL), plus the ceiling's worker, and the pids the benchmark charges
 * CPU to.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ManagedProcess } from '../../scripts/lib/managed-process.js';
import { PROJECT_ROOT } from '../../scripts/lib/project-paths.js';
import { ChaosStack, PROCESS_NAMES } from '../../test/chaos/harness/chaos-stack.js';
import { findProcess } from './proc-stats.js';
import type { Topology } from './topology.js';

export interface BenchStackOptions {
  dir: string;
  temporalCli: string;
  shardCount: number;
  topology: Topology;
  jwtSecret: string;
  /** Long enough that no checkout of the run expires (the open-orders phase holds thousands). */
  reservationTtlSeconds: number;
  log: (message: string) => void;
}

export class BenchStack {
  private ceilingWorker: ManagedProcess | undefined;
  private readonly ceilingCrashes: string[] = [];

  private constructor(readonly platform: ChaosStack) {}

  static async start(options: BenchStackOptions): Promise<BenchStack> {
    const { topology, ...rest } = options;
    return new BenchStack(
      await ChaosStack.start({
        ...rest,
        paymentFailureRate: 0,
        temporal: topology.kind,
        ...(topology.kind === 'cluster' ? { historyShards: topology.historyShards } : {}),
      }),
    );
  }

  get baseUrl(): string {
    return this.platform.baseUrl;
  }

  get temporalAddress(): string {
    return this.platform.temporalAddress;
  }

  get repos() {
    return this.platform.repos;
  }

  /**
   * Processes that exited on their own (the platform restarts its own, as a supervisor would), and the
   * cluster's services or database found not running (nothing restarts those).
   */
  get crashes(): string[] {
    const temporalDown = Object.entries(this.temporalProcesses())
      .filter(([, pid]) => pid === undefined)
      .map(([name]) => `${name} is not running`);
    return [...this.platform.crashes, ...this.ceilingCrashes, ...temporalDown];
  }

  /** Temporal's processes by the names isTemporalProcess knows; undefined when one is not running. */
  private temporalProcesses(): Record<string, number | undefined> {
    if (this.platform.options.temporal === 'cluster') {
      const cluster = this.platform.temporalCluster;
      return {
        ...Object.fromEntries(cluster.services.map((service) => [service.name, service.pid])),
        // Its postmaster: the backends doing the work are its children, so they count too.
        'temporal-db': cluster.db.pid,
      };
    }
    const port = this.temporalAddress.split(':')[1]!;
    return {
      temporal: findProcess(
        (argv) => argv.includes('start-dev') && argv[argv.indexOf('--port') + 1] === port,
      ),
    };
  }

  /** The worker of the ceiling flow, on its own task queue, with the platform's environment. */
  startCeilingWorker(): void {
    this.ceilingWorker = new ManagedProcess({
      name: 'ceiling-worker',
      command: process.execPath,
      args: ['--import', 'tsx', path.join(PROJECT_ROOT, 'bench', 'ceiling', 'ceiling-worker.ts')],
      cwd: PROJECT_ROOT,
      env: this.platform.env,
      stopSignal: 'SIGTERM',
      output: (line) =>
        fs.appendFileSync(path.join(this.platform.options.dir, 'ceiling-worker.log'), `${line}\n`),
      onUnexpectedExit: (code, signal) =>
        this.ceilingCrashes.push(`ceiling-worker exited (${signal ?? `code ${code}`})`),
    });
    this.ceilingWorker.start();
  }

  async stopCeilingWorker(): Promise<void> {
    await this.ceilingWorker?.stop();
    this.ceilingWorker = undefined;
  }

  /** Root pid of every process the benchmark charges CPU to (a shard: its postmaster, whose backends count too). */
  pids(): Record<string, number> {
    const pids: Record<string, number> = {};
    for (const [name, pid] of Object.entries(this.temporalProcesses())) if (pid) pids[name] = pid;
    for (const name of PROCESS_NAMES) {
      const pid = this.platform.processes.get(name)?.pid;
      if (pid) pids[name] = pid;
    }
    if (this.ceilingWorker?.pid) pids['ceiling-worker'] = this.ceilingWorker.pid;
    this.platform.shardSet.shards.forEach((shard, i) => {
      const port = new URL(this.platform.env['SHARD_URLS']!.split(',')[i]!).port;
      const postmaster = findProcess(
        (argv) => argv[0]?.endsWith('/postgres') === true && argv[argv.indexOf('-p') + 1] === port,
      );
      if (postmaster) pids[`postgres ${shard.id}`] = postmaster;
    });
    return pids;
  }

  async stop(): Promise<void> {
    await this.stopCeilingWorker();
    await this.platform.stop();
  }
}
