/**
 * Temporal as a production-shaped cluster on one machine: its own PostgreSQL, then one process per service
 * (frontend, matching, worker, and HISTORY_HOSTS history hosts sharing the history shards), all started
 * from config/temporal/cluster.yaml, and the Web UI server. The namespace and the order search attributes are
 * registered once the frontend answers.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import protos from '@temporalio/proto';
import { ORDER_SEARCH_ATTRIBUTES } from '../../../workflows/search-attributes.js';
import { ManagedProcess } from '../managed-process.js';
import { serverUser } from '../os-user.js';
import { type PgProvider, resolvePgBinaries } from '../postgres-binaries.js';
import { PostgresServer, reachableDataDir } from '../postgres-server.js';
import { PROJECT_ROOT } from '../project-paths.js';
import { waitForTemporal } from '../temporal-dev-server.js';
import { type ClusterPorts, clusterPorts, type ServicePorts } from './cluster-ports.js';
import { ensureTemporalServer, type TemporalServerBinaries } from './server-binaries.js';
import { setUpTemporalSchema } from './temporal-schema.js';

export const DEFAULT_HISTORY_SHARDS = 16;
export const HISTORY_HOSTS = 2;
/** The server's config directory in the repository: cluster.yaml and dynamic-config.yaml (compose mounts it too). */
export const TEMPORAL_CONFIG_DIR = path.join('config', 'temporal');
const DYNAMIC_CONFIG = path.join(PROJECT_ROOT, TEMPORAL_CONFIG_DIR, 'dynamic-config.yaml');
const NAMESPACE_RETENTION = '3 days';
const ALREADY_EXISTS = 6;

export interface TemporalClusterOptions {
  /** Holds the database and `ports.json`; one directory per history-shard count (fixed at creation). */
  baseDir: string;
  fallbackDir: string;
  historyShards: number;
  /** The frontend's port (TEMPORAL_ADDRESS); omitted → a free one. */
  frontendPort?: number;
  /** The Web UI's port; omitted → no UI. */
  uiPort?: number;
  namespace: string;
  provider: PgProvider;
  durable: boolean;
  onProgress?: (message: string) => void;
  /** A service, the UI or the database exited without being stopped (a supervisor restarts it). */
  onUnexpectedExit?: (
    proc: ManagedProcess | PostgresServer,
    code: number | null,
    signal: NodeJS.Signals | null,
  ) => void;
  /** Where the services' output goes; default: `<baseDir>/logs/<name>.log`. */
  output?: (name: string, line: string) => void;
}

export class TemporalCluster {
  private constructor(
    readonly db: PostgresServer,
    /** frontend, matching, worker, history-1…N: the order they start in. */
    readonly services: ManagedProcess[],
    readonly ui: ManagedProcess | undefined,
    readonly ports: ClusterPorts,
  ) {}

  get address(): string {
    return `127.0.0.1:${this.ports.frontend.grpc}`;
  }

  service(name: string): ManagedProcess {
    const found = this.services.find((s) => s.name === name);
    if (!found) throw new RangeError(`no Temporal service ${name}`);
    return found;
  }

  get historyHosts(): ManagedProcess[] {
    return this.services.filter((s) => s.name.startsWith('temporal-history-'));
  }

  static async start(options: TemporalClusterOptions): Promise<TemporalCluster> {
    const say = options.onProgress ?? (() => {});
    const binaries = ensureTemporalServer(say);
    const runAs = serverUser();
    const baseDir = reachableDataDir(options.baseDir, runAs, options.fallbackDir);
    const ports = await clusterPorts(path.join(baseDir, 'ports.json'), HISTORY_HOSTS, options.frontendPort);
    const db: PostgresServer = new PostgresServer({
      name: 'temporal-db',
      dataDir: path.join(baseDir, 'postgres'),
      port: ports.db,
      binaries: resolvePgBinaries(options.provider, runAs),
      runAs,
      durable: options.durable,
      database: null,
      onUnexpectedExit: (code, signal) => options.onUnexpectedExit?.(db, code, signal),
    });
    const processEnv = clusterEnv(ports, options.historyShards);
    const output = options.output ?? logFiles(path.join(baseDir, 'logs'));
    const service = (name: string, role: string, own: ServicePorts, roleVar: string) => {
      const proc: ManagedProcess = new ManagedProcess({
        name,
        command: binaries.server,
        args: [
          '--root',
          PROJECT_ROOT,
          '--config',
          TEMPORAL_CONFIG_DIR,
          '--env',
          'cluster',
          '--allow-no-auth',
          'start',
          '--service',
          role,
        ],
        env: {
          ...processEnv,
          [`TEMPORAL_${roleVar}_PORT`]: String(own.grpc),
          [`TEMPORAL_${roleVar}_MEMBERSHIP_PORT`]: String(own.membership),
          TEMPORAL_METRICS_PORT: String(own.metrics),
        },
        cwd: PROJECT_ROOT,
        stopSignal: 'SIGTERM',
        onUnexpectedExit: (code, signal) => options.onUnexpectedExit?.(proc, code, signal),
        output: (line) => output(name, line),
      });
      return proc;
    };
    const services = [
      service('temporal-frontend', 'frontend', ports.frontend, 'FRONTEND'),
      service('temporal-matching', 'matching', ports.matching, 'MATCHING'),
      service('temporal-worker', 'worker', ports.worker, 'WORKER'),
      ...ports.history.map((own, i) => service(`temporal-history-${i + 1}`, 'history', own, 'HISTORY')),
    ];
    const ui = options.uiPort === undefined ? undefined : uiServer(binaries, ports, options, output);
    const cluster = new TemporalCluster(db, services, ui, ports);
    try {
      await db.start();
      say(`Temporal's PostgreSQL ready on port ${ports.db}`);
      await setUpTemporalSchema(
        binaries,
        { host: '127.0.0.1', port: ports.db, user: 'postgres', password: '' },
        say,
      );
      // The first service to start writes the cluster's metadata; services racing to do it fail to start.
      const [frontend, ...rest] = services;
      frontend!.start();
      await waitForTemporal(cluster.address, 120_000);
      for (const proc of rest) proc.start();
      await registerNamespaceAndSearchAttributes(cluster.address, options.namespace);
      ui?.start();
      say(
        `Temporal cluster ready on ${cluster.address}: frontend, matching, worker, ${HISTORY_HOSTS} history hosts, ${options.historyShards} history shards`,
      );
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  async stop(): Promise<void> {
    await this.ui?.stop();
    // Frontend first (no new requests), then the rest together, then their database.
    await this.services[0]!.stop();
    await Promise.all(this.services.slice(1).map((s) => s.stop()));
    await this.db.stop();
  }
}

/** What every service process renders cluster.yaml with; each adds its own ports. */
function clusterEnv(ports: ClusterPorts, historyShards: number): NodeJS.ProcessEnv {
  const host = (p: ServicePorts) => String(p.grpc);
  return {
    ...process.env,
    TEMPORAL_DB_HOST: '127.0.0.1',
    TEMPORAL_DB_PORT: String(ports.db),
    TEMPORAL_DB_USER: 'postgres',
    TEMPORAL_DB_PASSWORD: '',
    TEMPORAL_HISTORY_SHARDS: String(historyShards),
    TEMPORAL_BIND_IP: '127.0.0.1',
    TEMPORAL_BROADCAST_IP: '127.0.0.1',
    TEMPORAL_FRONTEND_PORT: host(ports.frontend),
    TEMPORAL_FRONTEND_ADDRESS: `127.0.0.1:${ports.frontend.grpc}`,
    TEMPORAL_FRONTEND_HTTP_PORT: String(ports.frontendHttp),
    TEMPORAL_DYNAMIC_CONFIG: DYNAMIC_CONFIG,
  };
}

function uiServer(
  binaries: TemporalServerBinaries,
  ports: ClusterPorts,
  options: TemporalClusterOptions,
  output: (name: string, line: string) => void,
) {
  const proc: ManagedProcess = new ManagedProcess({
    name: 'temporal-ui',
    command: binaries.uiServer,
    args: ['--root', PROJECT_ROOT, '--config', TEMPORAL_CONFIG_DIR, '--env', 'ui', 'start'],
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: `127.0.0.1:${ports.frontend.grpc}`,
      TEMPORAL_UI_PORT: String(options.uiPort),
      TEMPORAL_DEFAULT_NAMESPACE: options.namespace,
    },
    stopSignal: 'SIGTERM',
    onUnexpectedExit: (code, signal) => options.onUnexpectedExit?.(proc, code, signal),
    output: (line) => output('temporal-ui', line),
  });
  return proc;
}

/** Appends each service's lines to a file of its own. */
function logFiles(dir: string): (name: string, line: string) => void {
  fs.mkdirSync(dir, { recursive: true });
  const streams = new Map<string, fs.WriteStream>();
  return (name, line) => {
    let stream = streams.get(name);
    if (!stream) {
      stream = fs.createWriteStream(path.join(dir, `${name}.log`), { flags: 'a' });
      streams.set(name, stream);
    }
    stream.write(`${line}\n`);
  };
}

/** The namespace (3 days' retention) and the Keyword attributes the workflows upsert; both idempotent. */
export async function registerNamespaceAndSearchAttributes(
  address: string,
  namespace: string,
): Promise<void> {
  const connection = await Connection.connect({ address });
  const ignoreExisting = (error: unknown) => {
    if ((error as { code?: number }).code !== ALREADY_EXISTS) throw error;
  };
  try {
    await connection.workflowService
      .registerNamespace({
        namespace,
        workflowExecutionRetentionPeriod: msToTs(NAMESPACE_RETENTION),
      })
      .catch(ignoreExisting);
    const keyword = protos.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
    // A namespace just registered reaches the other services within seconds: retry until it is known.
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        await connection.operatorService
          .addSearchAttributes({
            namespace,
            searchAttributes: Object.fromEntries(ORDER_SEARCH_ATTRIBUTES.map((key) => [key.name, keyword])),
          })
          .catch(ignoreExisting);
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  } finally {
    await connection.close();
  }
}
