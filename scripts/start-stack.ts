/**
 * The local platform in one process tree: Temporal (the dev server persisted to .data/temporal.db, or with
 * TEMPORAL=cluster the production topology on its own PostgreSQL), the PostgreSQL shards (or SHARD_URLS),
 * migrations and the demo catalog, both workers and the API.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DefaultLogger, makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import {
  type AppConfig,
  devSecretsInUse,
  loadConfig,
  localCount,
  localHistoryShards,
  localPositiveInt,
  localTemporalTopology,
  readLocalVar,
  readVar,
} from '../config/env.js';
import { migrateShards } from '../db/migrate.js';
import { seedDemoCatalog } from '../db/seed-demo-catalog.js';
import { createShardSet } from '../db/shard-set.js';
import { buildWorkflowBundle } from './build-workflow-bundle.js';
import { HaShardCluster } from './lib/auto-failover/ha-shard-cluster.js';
import type { ManagedProcess } from './lib/managed-process.js';
import {
  PLATFORM_ENTRY_POINTS,
  platformProcess,
  waitForHealthy,
  waitForPollers,
} from './lib/platform-processes.js';
import { parseProvider } from './lib/postgres-binaries.js';
import { checkoutId, PROJECT_ROOT } from './lib/project-paths.js';
import { ShardCluster } from './lib/shard-cluster.js';
import { replayStoredHistories, staleHistoriesAdvice } from './lib/stored-histories.js';
import { exitDescription, Supervisor } from './lib/supervisor.js';
import { TemporalCluster } from './lib/temporal-cluster/temporal-cluster.js';
import { temporalDevServer, waitForTemporal } from './lib/temporal-dev-server.js';

const env = process.env;
// The replay check's worker logs its start and stop at INFO, and a failed replay as a core WARN with
// a stack trace; the check reports what matters itself.
Runtime.install({
  logger: new DefaultLogger('ERROR'),
  telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }), forward: {} } },
});
const say = (message: string) => console.log(`[start] ${message}`);

const dataDir = path.resolve(PROJECT_ROOT, readLocalVar('DATA_DIR', env)!);
const temporalAddress = readVar('TEMPORAL_ADDRESS', env);
const [temporalHost, temporalPort] = temporalAddress.split(':');
const uiPort = localPositiveInt('TEMPORAL_UI_PORT', env);
const temporalMetricsPort = localPositiveInt('TEMPORAL_METRICS_PORT', env);
const apiPort = localPositiveInt('API_PORT', env);
const shardCount = localPositiveInt('SHARDS', env);
const seedItems = localPositiveInt('SEED_ITEMS', env);
const cli = env['TEMPORAL_CLI'];
if (!cli) throw new Error('TEMPORAL_CLI is not set; run through `npm start`');

const running: ManagedProcess[] = [];
let temporalCluster: TemporalCluster | undefined;
let shards: { stop(): Promise<void> } | undefined;
let shuttingDown = false;

async function shutdown(code: number): Promise<never> {
  if (!shuttingDown) {
    shuttingDown = true;
    say('stopping…');
    for (const proc of [...running].reverse()) await proc.stop();
    await temporalCluster?.stop();
    await shards?.stop();
    say('stopped');
  }
  process.exit(code);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void shutdown(0));

const supervisor = new Supervisor({ log: say, stopping: () => shuttingDown });

/**
 * The local shards: one server each, or with SHARD_REPLICAS > 0 a pg_auto_failover formation each. Each
 * topology has a data directory of its own, so switching between them never touches the other's data.
 */
async function startLocalShards(): Promise<{ urls: string[]; stop(): Promise<void> }> {
  const replicas = localCount('SHARD_REPLICAS', env);
  const dirName = replicas === 0 ? 'shards' : `shards-ha-${replicas}`;
  const baseDir = path.join(dataDir, dirName);
  const fallbackDir = path.join('/var/tmp', `order-platform-${checkoutId()}`, dirName);
  const basePort = localPositiveInt('SHARD_BASE_PORT', env);
  const where = `${path.relative(PROJECT_ROOT, dataDir)}/${dirName}`;
  if (replicas === 0) {
    say(`starting ${shardCount} PostgreSQL shard(s) in ${where}`);
    return ShardCluster.start({
      count: shardCount,
      baseDir: path.join(dataDir, 'shards'),
      fallbackDir,
      provider: parseProvider(readLocalVar('PG_PROVIDER', env)),
      basePort,
      durable: true,
      onProgress: say,
      onUnexpectedExit: (server, code, signal) => supervisor.exited(server, exitDescription(code, signal)),
    });
  }
  say(`starting ${shardCount} shard(s) of a primary and ${replicas} standby(s) each in ${where}`);
  return HaShardCluster.start({
    shards: shardCount,
    replicas,
    baseDir,
    fallbackDir,
    basePort,
    durable: true,
    onProgress: say,
    onUnexpectedExit: (keeper, code, signal) => supervisor.exited(keeper, exitDescription(code, signal)),
  });
}
/** The unexpected-exit hook of a managed process: the supervisor brings it back. */
const restartOnExit = (proc: () => ManagedProcess) => (code: number | null, signal: NodeJS.Signals | null) =>
  supervisor.exited(proc(), exitDescription(code, signal));

/** Every Prometheus endpoint of the running stack, labelled, for the ready message. */
function metricsUrls(topology: 'dev' | 'cluster', config: AppConfig): string[] {
  const host = (listen: string) => (listen === '0.0.0.0' ? 'localhost' : listen);
  const workerUrl = (port: number) =>
    port === 0 ? 'off' : `http://${host(config.metrics.host)}:${port}/metrics`;
  const temporal =
    topology === 'dev'
      ? [`http://localhost:${temporalMetricsPort}/metrics  (Temporal server)`]
      : Object.entries({
          frontend: temporalCluster?.ports.frontend,
          matching: temporalCluster?.ports.matching,
          worker: temporalCluster?.ports.worker,
          ...Object.fromEntries(
            (temporalCluster?.ports.history ?? []).map((p, i) => [`history-${i + 1}`, p]),
          ),
        }).map(([name, ports]) => `http://localhost:${ports?.metrics}/metrics  (Temporal ${name})`);
  return [
    `http://localhost:${apiPort}/metrics  (API)`,
    `${workerUrl(config.metrics.orderWorkerPort)}  (order worker)`,
    `${workerUrl(config.metrics.warehouseWorkerPort)}  (warehouse worker)`,
    ...temporal,
  ];
}

/** Temporal's state: the dev server's SQLite file, or the cluster's directory (one per history-shard count). */
function temporalStateOf(topology: 'dev' | 'cluster'): string {
  return topology === 'dev'
    ? path.join(dataDir, 'temporal.db')
    : path.join(dataDir, `temporal-cluster-${localHistoryShards(env)}`);
}

/** The dev server, started in the background; or the cluster, started before anything else needs it. */
async function startTemporal(topology: 'dev' | 'cluster', state: string): Promise<void> {
  if (topology === 'dev') {
    const temporal = temporalDevServer({
      cli: cli!,
      dbFile: state,
      ip: temporalHost || '127.0.0.1',
      port: Number(temporalPort),
      uiPort,
      metricsPort: temporalMetricsPort,
      onUnexpectedExit: restartOnExit(() => temporal),
    });
    temporal.start();
    running.push(temporal);
    return;
  }
  say(`starting the Temporal cluster in ${path.relative(PROJECT_ROOT, state)} (logs in its logs/)`);
  temporalCluster = await TemporalCluster.start({
    baseDir: state,
    fallbackDir: path.join('/var/tmp', `order-platform-${checkoutId()}`, path.basename(state)),
    historyShards: localHistoryShards(env),
    frontendPort: Number(temporalPort),
    uiPort,
    namespace: readVar('TEMPORAL_NAMESPACE', env),
    provider: parseProvider(readLocalVar('PG_PROVIDER', env)),
    durable: true,
    onProgress: say,
    onUnexpectedExit: (proc, code, signal) => supervisor.exited(proc, exitDescription(code, signal)),
  });
}

try {
  fs.mkdirSync(dataDir, { recursive: true });
  const topology = localTemporalTopology(env);
  const temporalState = temporalStateOf(topology);
  await startTemporal(topology, temporalState);

  let shardUrls = env['SHARD_URLS'];
  if (!shardUrls) {
    const local = await startLocalShards();
    shards = local;
    shardUrls = local.urls.join(',');
  }
  const childEnv: NodeJS.ProcessEnv = {
    // Local development runs on the public default secrets unless real ones are set (said below).
    ALLOW_DEV_SECRETS: '1',
    // The storefront's sign-in page on this machine: a token for any customer id, operator included.
    DEMO_LOGIN: '1',
    ANALYTICS_DB_PATH: path.join(dataDir, 'analytics.duckdb'),
    ANALYTICS_EXPORT_INTERVAL_SECONDS: '60',
    TEMPORAL_UI_URL: `http://localhost:${uiPort}`,
    ...env,
    SHARD_URLS: shardUrls,
    TEMPORAL_ADDRESS: temporalAddress,
    API_PORT: String(apiPort),
  };
  const config = loadConfig(childEnv);
  const devSecrets = [
    ...new Set([...devSecretsInUse('api', childEnv), ...devSecretsInUse('order-worker', childEnv)]),
  ];
  if (devSecrets.length > 0) {
    say(
      `using development secrets (${devSecrets.join(', ')} at their public defaults): for this machine only`,
    );
  }

  say('migrating shards');
  await migrateShards(config.db.shardUrls);
  const shardSet = createShardSet(config.db);
  try {
    const seeded = await seedDemoCatalog(shardSet, { items: seedItems });
    say(`demo catalog: ${JSON.stringify(seeded)}`);
  } finally {
    await shardSet.close();
  }

  await waitForTemporal(temporalAddress);
  say(`Temporal ready on ${temporalAddress}`);

  // One bundle for the replay check and the order worker, so the worker does not bundle again.
  const bundlePath =
    config.worker.workflowBundlePath ??
    (await buildWorkflowBundle(path.join(dataDir, 'workflow-bundle.js'), {
      traced: config.otlpEndpoint !== undefined,
    }));
  childEnv['WORKFLOW_BUNDLE_PATH'] = bundlePath;
  const stored = await replayStoredHistories({
    address: temporalAddress,
    namespace: config.temporal.namespace,
    bundlePath,
  });
  if (stored.stale.length > 0) {
    console.error(
      `[start] ${staleHistoriesAdvice(stored, {
        temporalAddress,
        dbFile: path.relative(PROJECT_ROOT, temporalState),
        dataDir: path.relative(PROJECT_ROOT, dataDir),
      })}`,
    );
    await shutdown(1);
  }
  say(`workflow code bundled; ${stored.checked} running workflow(s) replay against it`);

  for (const name of Object.keys(PLATFORM_ENTRY_POINTS) as (keyof typeof PLATFORM_ENTRY_POINTS)[]) {
    const proc: ManagedProcess = platformProcess(name, childEnv, {
      onUnexpectedExit: restartOnExit(() => proc),
    });
    proc.start();
    running.push(proc);
  }
  const apiUrl = `http://localhost:${apiPort}`;
  await waitForHealthy(apiUrl);
  const { namespace, orderTaskQueue, warehouseTaskQueue } = config.temporal;
  await waitForPollers(temporalAddress, namespace, [
    { taskQueue: orderTaskQueue, kinds: ['workflow', 'activity'] },
    { taskQueue: warehouseTaskQueue, kinds: ['activity'] },
  ]);
  say('every worker is polling its task queue');

  console.log(`
  Storefront     ${apiUrl}/   (demo sign-in: any customer id; tick Operator for the console)
  API            ${apiUrl}
  API docs       ${apiUrl}/docs
  Temporal UI    http://localhost:${uiPort}
  Temporal gRPC  ${temporalAddress}   (temporal --address ${temporalAddress} workflow list)
  Shards         ${config.db.shardUrls.join('\n                 ')}
  Metrics        ${metricsUrls(topology, config).join('\n                 ')}

[start] ready — Ctrl-C stops everything`);
} catch (error) {
  console.error(`[start] failed: ${error instanceof Error ? error.message : String(error)}`);
  await shutdown(1);
}
