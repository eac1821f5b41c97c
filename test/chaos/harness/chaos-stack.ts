/**
 * The whole platform as separate processes on free loopback ports, with real faults: kill -9 of a
 * worker or a shard's postmaster, restart of the Temporal dev server on its database file; or, with
 * `temporal: 'cluster'`, kill -9 of one of the Temporal cluster's services, or a restart of its database.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../config/env.js';
import { createRepositories, type Repositories } from '../../../db/repositories/index.js';
import { DEMO_WAREHOUSES } from '../../../db/seed-demo-catalog.js';
import { createShardSet, type ShardSet } from '../../../db/shard-set.js';
import { buildWorkflowBundle } from '../../../scripts/build-workflow-bundle.js';
import { HaShardCluster } from '../../../scripts/lib/auto-failover/ha-shard-cluster.js';
import type { ManagedProcess } from '../../../scripts/lib/managed-process.js';
import {
  type PlatformProcessName,
  platformProcess,
  waitForHealthy,
} from '../../../scripts/lib/platform-processes.js';
import { parseProvider } from '../../../scripts/lib/postgres-binaries.js';
import { PostgresServer } from '../../../scripts/lib/postgres-server.js';
import { freePort, ShardCluster } from '../../../scripts/lib/shard-cluster.js';
import { TemporalCluster } from '../../../scripts/lib/temporal-cluster/temporal-cluster.js';
import { temporalDevServer, waitForTemporal } from '../../../scripts/lib/temporal-dev-server.js';

export interface ChaosStackOptions {
  /** Scratch directory: Temporal's database file, shard data, process logs. */
  dir: string;
  temporalCli: string;
  shardCount: number;
  reservationTtlSeconds: number;
  paymentFailureRate: number;
  /** Milliseconds each gateway call takes (PAYMENT_LATENCY_MS); the platform's default when absent. */
  paymentLatencyMs?: number;
  jwtSecret: string;
  /** Standbys per shard: 0 runs one embedded server per shard; N ≥ 1 a pg_auto_failover formation each. */
  shardReplicas?: number;
  /** `dev` (default): the Temporal dev server; `cluster`: Temporal on its own PostgreSQL, a process per service. */
  temporal?: 'dev' | 'cluster';
  /** History shards of the cluster (`temporal: 'cluster'`); 4 unless told. */
  historyShards?: number;
  log: (message: string) => void;
}

export const PROCESS_NAMES: readonly PlatformProcessName[] = ['order-worker', 'warehouse-worker', 'api'];

export class ChaosStack {
  readonly processes = new Map<PlatformProcessName, ManagedProcess>();
  /** Processes that died without being told to: each is a finding (restarted, as a supervisor would). */
  readonly crashes: string[] = [];
  private stopping = false;
  shardSet!: ShardSet;
  repos!: Repositories;
  env: NodeJS.ProcessEnv = {};
  baseUrl = '';
  temporalAddress = '';
  private temporal: ManagedProcess | undefined;
  private cluster: TemporalCluster | undefined;
  private shards!: ShardCluster | HaShardCluster;
  private readonly logStream: fs.WriteStream;

  private constructor(readonly options: ChaosStackOptions) {
    fs.mkdirSync(options.dir, { recursive: true });
    this.logStream = fs.createWriteStream(path.join(options.dir, 'processes.log'), { flags: 'a' });
  }

  static async start(options: ChaosStackOptions): Promise<ChaosStack> {
    const stack = new ChaosStack(options);
    try {
      await stack.boot();
    } catch (error) {
      await stack.stop();
      throw error;
    }
    return stack;
  }

  get logFile(): string {
    return path.join(this.options.dir, 'processes.log');
  }

  private output(name: string) {
    return (line: string) => this.logStream.write(`[${name}] ${line}\n`);
  }

  private async boot(): Promise<void> {
    const { dir, log } = this.options;
    const temporalPort = await freePort();
    this.temporalAddress = `127.0.0.1:${temporalPort}`;
    if (this.options.temporal === 'cluster') {
      const clusterDir = path.join(dir, 'temporal-cluster');
      this.cluster = await TemporalCluster.start({
        baseDir: clusterDir,
        fallbackDir: fs.mkdtempSync(path.join(os.tmpdir(), 'order-platform-chaos-temporal-')),
        historyShards: this.options.historyShards ?? 4,
        frontendPort: temporalPort,
        namespace: 'default',
        provider: parseProvider(process.env['PG_PROVIDER']),
        durable: true,
        onProgress: log,
        output: (name, line) => this.output(name)(line),
        onUnexpectedExit: (proc, code, signal) => {
          if (this.stopping) return;
          this.crashes.push(
            `${proc.name} exited on its own (${signal ?? `code ${code}`}); see ${this.logFile}`,
          );
          setTimeout(() => {
            if (!this.stopping) void restarted(proc).catch((error) => log(`${proc.name}: ${error}`));
          }, 1_000);
        },
      });
    } else {
      this.temporal = temporalDevServer({
        cli: this.options.temporalCli,
        dbFile: path.join(dir, 'temporal.db'),
        ip: '127.0.0.1',
        port: temporalPort,
        output: this.output('temporal'),
      });
      this.temporal.start();
    }
    // Crash tests need committed data to survive kill -9, so these shards are durable.
    const shardsDir = {
      baseDir: path.join(dir, 'shards'),
      // Used when the postgres OS user cannot reach `dir` (running as root in a clone under /root).
      fallbackDir: fs.mkdtempSync(path.join(os.tmpdir(), 'order-platform-chaos-')),
    };
    const replicas = this.options.shardReplicas ?? 0;
    this.shards =
      replicas === 0
        ? await ShardCluster.start({
            count: this.options.shardCount,
            ...shardsDir,
            provider: parseProvider(process.env['PG_PROVIDER']),
            durable: true,
          })
        : await HaShardCluster.start({
            shards: this.options.shardCount,
            replicas,
            ...shardsDir,
            durable: true,
            onProgress: log,
          });
    const { migrateShards } = await import('../../../db/migrate.js');
    await migrateShards(this.shards.urls);
    // Workers restarted after a kill start from a prebuilt bundle, as in production.
    const workflowBundle = await buildWorkflowBundle(path.join(dir, 'workflow-bundle.js'), { traced: false });
    const apiPort = await freePort();
    this.baseUrl = `http://127.0.0.1:${apiPort}`;
    this.env = {
      ...process.env,
      TEMPORAL_ADDRESS: this.temporalAddress,
      SHARD_URLS: this.shards.urls.join(','),
      API_PORT: String(apiPort),
      ORDER_WORKER_METRICS_PORT: String(await freePort()),
      WAREHOUSE_WORKER_METRICS_PORT: String(await freePort()),
      PUBLIC_BASE_URL: this.baseUrl,
      JWT_SECRET: this.options.jwtSecret,
      ALLOW_DEV_SECRETS: '1',
      RESERVATION_TTL_SECONDS: String(this.options.reservationTtlSeconds),
      PAYMENT_FAILURE_RATE: String(this.options.paymentFailureRate),
      ...(this.options.paymentLatencyMs === undefined
        ? {}
        : { PAYMENT_LATENCY_MS: String(this.options.paymentLatencyMs) }),
      DB_CONNECT_TIMEOUT_SECONDS: '2',
      LOG_LEVEL: 'warn',
      WORKFLOW_BUNDLE_PATH: workflowBundle,
      PAYMENT_OUTAGE_FILE: this.paymentOutageFile,
    };
    this.shardSet = createShardSet(loadConfig(this.env).db);
    this.repos = createRepositories({ shardSet: this.shardSet, cursorSecret: 'chaos' });
    await this.repos.warehouses.upsertWarehouses(DEMO_WAREHOUSES);
    await waitForTemporal(this.temporalAddress);
    for (const name of PROCESS_NAMES) this.startProcess(name);
    await waitForHealthy(this.baseUrl, 120_000);
    log(`stack up: Temporal ${this.temporalAddress}, ${this.shards.urls.length} shards, API ${this.baseUrl}`);
  }

  private startProcess(name: PlatformProcessName): void {
    const proc =
      this.processes.get(name) ??
      platformProcess(name, this.env, {
        output: this.output(name),
        onUnexpectedExit: (code, signal) => {
          if (this.stopping) return;
          this.crashes.push(`${name} exited on its own (${signal ?? `code ${code}`}); see ${this.logFile}`);
          setTimeout(() => this.stopping || this.startProcess(name), 1_000);
        },
      });
    this.processes.set(name, proc);
    proc.start();
  }

  /** kill -9 of a platform process. */
  /** While it exists, the order worker's payment simulator answers no call (faults.ts). */
  get paymentOutageFile(): string {
    return path.join(this.options.dir, 'payment-gateway-down');
  }

  /** The payment provider goes down: every gateway call fails until `paymentGatewayUp`. */
  async paymentGatewayDown(): Promise<void> {
    fs.writeFileSync(this.paymentOutageFile, 'down\n');
  }

  async paymentGatewayUp(): Promise<void> {
    fs.rmSync(this.paymentOutageFile, { force: true });
  }

  /** The order worker's Prometheus metrics, as text. */
  async orderWorkerMetrics(): Promise<string> {
    const res = await fetch(`http://127.0.0.1:${this.env['ORDER_WORKER_METRICS_PORT']}/metrics`);
    return res.text();
  }

  async killProcess(name: PlatformProcessName): Promise<void> {
    await this.processes.get(name)?.crash();
  }

  async restartProcess(name: PlatformProcessName): Promise<void> {
    this.startProcess(name);
  }

  /** The shards with standbys (scenarios run with `shardReplicas`). */
  get ha(): HaShardCluster {
    if (!(this.shards instanceof HaShardCluster)) throw new Error('this stack runs shards without standbys');
    return this.shards;
  }

  private get servers(): ShardCluster['servers'] {
    if (!(this.shards instanceof ShardCluster)) throw new Error('this stack runs shards with standbys');
    return this.shards.servers;
  }

  /** kill -9 of a shard's postmaster. */
  async crashShard(index: number): Promise<void> {
    await this.servers[index]!.crash();
  }

  /** Starts the shard again on the same data directory (PostgreSQL runs crash recovery). */
  async restartShard(index: number): Promise<void> {
    await restartPostgres(this.servers[index]!);
  }

  private get devServer(): ManagedProcess {
    if (!this.temporal) throw new Error('this stack runs the Temporal cluster, not the dev server');
    return this.temporal;
  }

  /** The Temporal cluster (`temporal: 'cluster'`): its services, history hosts and database. */
  get temporalCluster(): TemporalCluster {
    if (!this.cluster) throw new Error('this stack runs the Temporal dev server, not the cluster');
    return this.cluster;
  }

  /** Starts the Temporal cluster's database again on its data directory (after `temporalCluster.db.crash()`). */
  async restartTemporalDb(): Promise<void> {
    await restartPostgres(this.temporalCluster.db);
  }

  /** Stops the Temporal dev server (SIGTERM) or kills it (SIGKILL). */
  async stopTemporal(mode: 'stop' | 'kill' = 'stop'): Promise<void> {
    if (mode === 'kill') await this.devServer.crash();
    else await this.devServer.stop();
  }

  /** Starts it again on the same database file. */
  async startTemporal(): Promise<void> {
    this.devServer.start();
    await waitForTemporal(this.temporalAddress);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.processes.values()].map((p) => p.stop()));
    await this.shardSet?.close().catch(() => {});
    await Promise.allSettled([this.temporal?.stop(), this.cluster?.stop(), this.shards?.stop()]);
    this.logStream.end();
  }
}

/** Starts a killed PostgreSQL server again on its data directory (it runs crash recovery first). */
async function restartPostgres(server: PostgresServer): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await server.start();
      return;
    } catch (error) {
      // Orphaned backends of the killed postmaster can hold its shared memory for a moment.
      if (attempt >= 10) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}

/** A supervisor's restart of one of the Temporal cluster's processes that exited on its own. */
async function restarted(proc: ManagedProcess | PostgresServer): Promise<void> {
  if (proc instanceof PostgresServer) await restartPostgres(proc);
  else proc.start();
}
