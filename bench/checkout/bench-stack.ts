/**
 * The platform for the checkout benchmark: the chaos harness's stack (the processes `npm start` runs, as
 * separate processes on free loopback ports, Temporal on a SQLite file, durable shards), plus the
 * ceiling's worker, and the pids the benchmark charges CPU to.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ManagedProcess } from '../../scripts/lib/managed-process.js';
import { PROJECT_ROOT } from '../../scripts/lib/project-paths.js';
import { ChaosStack, PROCESS_NAMES } from '../../test/chaos/harness/chaos-stack.js';
import { findProcess } from './proc-stats.js';

export interface BenchStackOptions {
  dir: string;
  temporalCli: string;
  shardCount: number;
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
    return new BenchStack(await ChaosStack.start({ ...options, paymentFailureRate: 0 }));
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

  /** Processes that exited on their own (the platform restarts its own, as a supervisor would). */
  get crashes(): string[] {
    return [...this.platform.crashes, ...this.ceilingCrashes];
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
    const temporalPort = this.temporalAddress.split(':')[1]!;
    const temporal = findProcess(
      (argv) => argv.includes('start-dev') && argv[argv.indexOf('--port') + 1] === temporalPort,
    );
    if (temporal) pids['temporal'] = temporal;
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
