/**
 * docker-compose.yml, the Dockerfile and the dynamic config checked against the code, without a
 * Docker engine: every check is a pure function that returns a list of problems, so the real files
 * must give `[]` and a mutated copy must give at least one problem (proof that the check bites).
 *
 * Compose interpolation (`${VAR:-default}`) is resolved as a fresh `docker compose up` with an empty
 * shell environment and no .env file would resolve it.
 */
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { ENV_VARS, type EnvVarSpec, loadConfig, type ProcessRole } from '../config/env.js';
import { PLATFORM_ENTRY_POINTS } from '../scripts/lib/platform-processes.js';
import { TEMPORAL_CONFIG_DIR } from '../scripts/lib/temporal-cluster/temporal-cluster.js';
import {
  argv,
  assertBites,
  type Compose,
  checkDependsOn,
  clone,
  containerPorts,
  dependsOn,
  durationSeconds,
  envOf,
  healthcheckText,
  hostPath,
  interpolate,
  isBuilt,
  isRecord,
  type Problems,
  parseCompose,
  portsOf,
  restartPolicy,
  type Service,
  scalar,
  scriptOf,
  volumesOf,
} from './support/compose-file.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const MIGRATE_ENTRY = 'scripts/migrate.ts';
/** Entry points the image can run (`node --import tsx <file>`): the launcher's table, plus migrations. */
const KNOWN_ENTRY_POINTS = [...Object.values(PLATFORM_ENTRY_POINTS), MIGRATE_ENTRY] as const;

const ROLES: readonly ProcessRole[] = ['api', 'order-worker', 'warehouse-worker'];
/** Compose service of each long-running role (named as the role), and the entry file it must run. */
const ROLE_SERVICE: Readonly<Record<ProcessRole, string>> = {
  api: 'api',
  'order-worker': 'order-worker',
  'warehouse-worker': 'warehouse-worker',
};
const ROLE_ENTRY: Readonly<Record<ProcessRole, string>> = PLATFORM_ENTRY_POINTS;
const MIGRATE_SERVICE = 'migrate';

const TEMPORAL_SERVICE = 'temporal';
const TEMPORAL_UI_SERVICE = 'temporal-ui';
const SEARCH_ATTRIBUTES_SERVICE = 'search-attributes';
/** Port of the Temporal frontend inside the server container. */
const TEMPORAL_FRONTEND_PORT = 7233;
/** Port PostgreSQL listens on inside the official image. */
const POSTGRES_CONTAINER_PORT = 5432;
/** Where the Temporal service containers find the repository's config/temporal (`--root` + `--config`). */
const TEMPORAL_CONFIG_MOUNT = '/etc/order-platform/temporal';
const TEMPORAL_SERVER_IMAGE = 'temporalio/server:';
const REQUIRED_DYNAMIC_CONFIG = [
  'frontend.enableUpdateWorkflowExecution',
  'frontend.enableExecuteMultiOperation',
];
/** Custom search attributes the workflows upsert; all Keyword. */
const SEARCH_ATTRIBUTES = ['OrderStatus', 'CustomerId'];

/** Settings that must have one value across every process that reads them. */
const MUST_AGREE = [
  'TEMPORAL_ADDRESS',
  'TEMPORAL_NAMESPACE',
  'SHARD_URLS',
  'ORDER_TASK_QUEUE',
  'WAREHOUSE_TASK_QUEUE',
  'RESERVATION_TTL_SECONDS',
] as const;

/** Directories of application source scanned for environment reads outside config/env.ts. */
const SOURCE_DIRS = [
  'api',
  'workers',
  'activities',
  'payment-gateway',
  'observability',
  'workflows',
  'db',
  'config',
  'domain',
];
const ENV_MODULE = 'config/env.ts';

const SPECS: readonly EnvVarSpec[] = ENV_VARS;
const KNOWN_VARS = new Set(SPECS.map((s) => s.name));

/** The value a process would see: the compose value, else the ENV_VARS default. */
function effective(env: Record<string, string>, name: string): string | undefined {
  const v = env[name];
  if (v !== undefined && v !== '') return v;
  return SPECS.find((s) => s.name === name)?.default;
}

function rolesUsing(name: string): readonly ProcessRole[] {
  return SPECS.find((s) => s.name === name)?.usedBy ?? [];
}

function splitHostPort(address: string): { host: string; port: string } | undefined {
  const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(address);
  return m ? { host: m[1] ?? '', port: m[2] ?? '' } : undefined;
}

// ------------------------------------------------------------------ checks (pure: compose → problems)

function checkTopLevel(c: Compose): Problems {
  const problems: Problems = [];
  if ('version' in c) problems.push('top-level "version:" is obsolete in the Compose spec; remove it');
  return problems;
}

/** The entry file of a `node --import tsx <file>` command, or a problem. */
function entryOf(cmd: string[]): { entry?: string; problem?: string } {
  if (cmd[0] !== 'node') return { problem: `runs "${cmd.join(' ')}", expected node --import tsx <entry>` };
  let usesTsx = false;
  let entry: string | undefined;
  for (let i = 1; i < cmd.length; i++) {
    const a = cmd[i] ?? '';
    if (a === '--import' && cmd[i + 1] === 'tsx') {
      usesTsx = true;
      i++;
    } else if (a === '--import=tsx') usesTsx = true;
    else if (!a.startsWith('-')) {
      entry = a.replace(/^\.\//, '');
      break;
    }
  }
  if (!usesTsx) return { problem: `runs "${cmd.join(' ')}" without --import tsx` };
  if (entry === undefined) return { problem: `runs "${cmd.join(' ')}" without an entry file` };
  return { entry };
}

function checkEntryPoints(c: Compose): Problems {
  const problems: Problems = [];
  const known: readonly string[] = KNOWN_ENTRY_POINTS;
  for (const [name, svc] of Object.entries(c.services)) {
    if (!isBuilt(svc)) continue;
    const cmd = argv(svc['command']);
    if (cmd.length === 0) {
      problems.push(`${name} is built from the Dockerfile but sets no command`);
      continue;
    }
    const { entry, problem } = entryOf(cmd);
    if (problem) problems.push(`${name} ${problem}`);
    else if (entry !== undefined && !known.includes(entry)) {
      problems.push(`${name} runs ${entry}, which is not a known entry point (${known.join(', ')})`);
    }
  }
  const expected: [string, string][] = [
    ...ROLES.map((r): [string, string] => [ROLE_SERVICE[r], ROLE_ENTRY[r]]),
    [MIGRATE_SERVICE, MIGRATE_ENTRY],
  ];
  for (const [service, file] of expected) {
    const svc = c.services[service];
    if (svc === undefined) problems.push(`service ${service} is missing`);
    else if (!isBuilt(svc)) problems.push(`${service} must be built from the Dockerfile (build: .)`);
    else if (entryOf(argv(svc['command'])).entry !== file) problems.push(`${service} must run ${file}`);
  }
  return problems;
}

/** Entry files the compose commands name, checked on disk under `root`. */
function checkEntryFilesExist(c: Compose, root: string): Problems {
  const problems: Problems = [];
  for (const [name, svc] of Object.entries(c.services)) {
    if (!isBuilt(svc)) continue;
    const { entry } = entryOf(argv(svc['command']));
    if (entry !== undefined && !existsSync(path.join(root, entry))) {
      problems.push(`${name}: entry file ${entry} does not exist`);
    }
  }
  return problems;
}

function checkRoleEnvironments(c: Compose): Problems {
  const problems: Problems = [];
  for (const role of ROLES) {
    const service = ROLE_SERVICE[role];
    const svc = c.services[service];
    if (svc === undefined) {
      problems.push(`no service ${service} for role ${role}`);
      continue;
    }
    const env = envOf(svc);
    for (const spec of SPECS) {
      if (!spec.usedBy.includes(role)) continue;
      if (env[spec.name] === undefined || env[spec.name] === '') {
        if (spec.optional) continue;
        problems.push(
          spec.default === undefined
            ? `${service}: required ${spec.name} is not set`
            : `${service}: ${spec.name} is not set (the compose file sets every variable its role reads)`,
        );
      }
    }
    try {
      loadConfig(env);
    } catch (err) {
      problems.push(`${service}: loadConfig() rejects its environment: ${(err as Error).message}`);
    }
  }
  for (const [name, svc] of Object.entries(c.services)) {
    if (!isBuilt(svc)) continue;
    for (const key of Object.keys(envOf(svc))) {
      if (!KNOWN_VARS.has(key)) problems.push(`${name}: ${key} is not a variable of ENV_VARS (typo?)`);
    }
  }
  const migrateEnv = envOf(c.services[MIGRATE_SERVICE]);
  if (migrateEnv['SHARD_URLS'] === undefined) problems.push(`${MIGRATE_SERVICE}: SHARD_URLS is not set`);
  return problems;
}

/** Each MUST_AGREE setting has one value across the processes that read it (migrate included). */
function checkSharedSettingsAgree(c: Compose): Problems {
  const problems: Problems = [];
  for (const name of MUST_AGREE) {
    const values = new Map<string, string[]>();
    const readers = rolesUsing(name).map((r) => ROLE_SERVICE[r]);
    if (name === 'SHARD_URLS') readers.push(MIGRATE_SERVICE);
    for (const service of readers) {
      const svc = c.services[service];
      if (svc === undefined) continue;
      const v = effective(envOf(svc), name) ?? '<unset>';
      values.set(v, [...(values.get(v) ?? []), service]);
    }
    if (values.size > 1) {
      const detail = [...values].map(([v, s]) => `${s.join(', ')}: ${v}`).join('; ');
      problems.push(`${name} differs between services (${detail})`);
    }
  }
  return problems;
}

function checkShardUrls(c: Compose): Problems {
  const problems: Problems = [];
  const raw = envOf(c.services[ROLE_SERVICE.api])['SHARD_URLS'];
  if (raw === undefined) return ['api: SHARD_URLS is not set'];
  const urls = raw
    .split(',')
    .map((u) => u.trim())
    .filter((u) => u !== '');
  const hosts: string[] = [];
  for (const u of urls) {
    let url: URL;
    try {
      url = new URL(u);
    } catch {
      problems.push(`SHARD_URLS entry is not a URL: ${u}`);
      continue;
    }
    if (!/^postgres(ql)?:$/.test(url.protocol)) problems.push(`SHARD_URLS entry is not postgres://: ${u}`);
    const host = url.hostname;
    hosts.push(host);
    const shard = c.services[host];
    if (shard === undefined) {
      problems.push(`SHARD_URLS names host ${host}, which is no service`);
      continue;
    }
    if (!/^postgres(:|$)/.test(scalar(shard['image']) ?? '')) {
      problems.push(`SHARD_URLS host ${host} is not a postgres service`);
    }
    const port = url.port === '' ? String(POSTGRES_CONTAINER_PORT) : url.port;
    if (port !== String(POSTGRES_CONTAINER_PORT)) {
      problems.push(
        `SHARD_URLS uses port ${port} for ${host}; postgres listens on ${POSTGRES_CONTAINER_PORT}`,
      );
    }
    const env = envOf(shard);
    const user = env['POSTGRES_USER'] ?? 'postgres';
    const expected = { user, password: env['POSTGRES_PASSWORD'], db: env['POSTGRES_DB'] ?? user };
    const actual = {
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      db: decodeURIComponent(url.pathname.replace(/^\//, '')),
    };
    for (const k of ['user', 'password', 'db'] as const) {
      if (actual[k] !== expected[k]) {
        problems.push(
          `SHARD_URLS ${k} for ${host} is "${actual[k]}", the service has "${expected[k] ?? '<unset>'}"`,
        );
      }
    }
  }
  if (new Set(hosts).size !== hosts.length)
    problems.push(`SHARD_URLS lists a shard twice: ${hosts.join(', ')}`);
  if (new Set(hosts).size < 2) problems.push(`SHARD_URLS must list at least 2 shards, lists ${hosts.length}`);

  // Every process uses the identical ring (same shards, same order).
  for (const service of [...ROLES.map((r) => ROLE_SERVICE[r]), MIGRATE_SERVICE]) {
    const other = envOf(c.services[service])['SHARD_URLS'];
    if (other !== raw)
      problems.push(`${service} SHARD_URLS "${other ?? '<unset>'}" differs from api's "${raw}"`);
  }

  // Each shard keeps its data in a volume of its own, and has a healthcheck to wait on.
  const seen = new Map<string, string>();
  for (const host of new Set(hosts)) {
    const shard = c.services[host];
    if (shard === undefined) continue;
    if (healthcheckText(shard) === undefined) problems.push(`shard ${host} has no healthcheck`);
    const data = volumesOf(shard).find((v) => v.target.startsWith('/var/lib/postgresql'));
    if (data?.source === undefined) problems.push(`shard ${host} has no volume for its data`);
    else if (seen.has(data.source))
      problems.push(`shards ${seen.get(data.source)} and ${host} share volume ${data.source}`);
    else seen.set(data.source, host);
  }
  return problems;
}

/** Startup order: shards → migrate → app; Temporal healthy and search attributes registered first. */
function checkStartupOrder(c: Compose): Problems {
  const problems: Problems = [];
  const migrateDeps = dependsOn(c.services[MIGRATE_SERVICE]);
  const shardHosts = (envOf(c.services[MIGRATE_SERVICE])['SHARD_URLS'] ?? '')
    .split(',')
    .filter((u) => u.trim() !== '')
    .map((u) => {
      try {
        return new URL(u.trim()).hostname;
      } catch {
        return u;
      }
    });
  for (const host of shardHosts) {
    if (migrateDeps[host] !== 'service_healthy')
      problems.push(`${MIGRATE_SERVICE} must wait for ${host} to be healthy`);
  }
  if (restartPolicy(c.services[MIGRATE_SERVICE]) !== 'no')
    problems.push(`${MIGRATE_SERVICE} is one-shot: restart "no"`);
  for (const role of ROLES) {
    const service = ROLE_SERVICE[role];
    const deps = dependsOn(c.services[service]);
    const want: [string, string][] = [
      [MIGRATE_SERVICE, 'service_completed_successfully'],
      [SEARCH_ATTRIBUTES_SERVICE, 'service_completed_successfully'],
      [TEMPORAL_SERVICE, 'service_healthy'],
    ];
    for (const [dep, condition] of want) {
      if (deps[dep] !== condition)
        problems.push(`${service} must depend on ${dep} with condition ${condition}`);
    }
    if (restartPolicy(c.services[service]) !== 'unless-stopped') {
      problems.push(`${service} is long-running: restart unless-stopped`);
    }
  }
  return problems;
}

function checkTemporalAddress(c: Compose): Problems {
  const problems: Problems = [];
  const temporal = c.services[TEMPORAL_SERVICE];
  if (temporal === undefined) return [`service ${TEMPORAL_SERVICE} is missing`];
  if (!containerPorts(temporal).has(String(TEMPORAL_FRONTEND_PORT))) {
    problems.push(`${TEMPORAL_SERVICE} does not expose its frontend port ${TEMPORAL_FRONTEND_PORT}`);
  }
  if (healthcheckText(temporal) === undefined) problems.push(`${TEMPORAL_SERVICE} has no healthcheck`);
  const expected = `${TEMPORAL_SERVICE}:${TEMPORAL_FRONTEND_PORT}`;
  const clients: [string, string | undefined][] = [
    ...ROLES.map((r): [string, string | undefined] => {
      const env = envOf(c.services[ROLE_SERVICE[r]]);
      return [ROLE_SERVICE[r], effective(env, 'TEMPORAL_ADDRESS')];
    }),
    [TEMPORAL_UI_SERVICE, envOf(c.services[TEMPORAL_UI_SERVICE])['TEMPORAL_ADDRESS']],
    [SEARCH_ATTRIBUTES_SERVICE, envOf(c.services[SEARCH_ATTRIBUTES_SERVICE])['TEMPORAL_ADDRESS']],
  ];
  for (const [service, address] of clients) {
    const hp = address === undefined ? undefined : splitHostPort(address);
    if (hp === undefined)
      problems.push(`${service}: TEMPORAL_ADDRESS "${address ?? '<unset>'}" is not host:port`);
    else if (hp.host !== TEMPORAL_SERVICE || hp.port !== String(TEMPORAL_FRONTEND_PORT)) {
      problems.push(`${service}: TEMPORAL_ADDRESS is ${address}, expected ${expected}`);
    }
  }
  // The search attributes live in one namespace: the one the app uses.
  const ns = effective(envOf(c.services[ROLE_SERVICE.api]), 'TEMPORAL_NAMESPACE');
  const saNs = envOf(c.services[SEARCH_ATTRIBUTES_SERVICE])['TEMPORAL_NAMESPACE'] ?? 'default';
  if (ns !== saNs)
    problems.push(`${SEARCH_ATTRIBUTES_SERVICE} registers in namespace ${saNs}, the app uses ${ns}`);
  return problems;
}

function checkApiPort(c: Compose): Problems {
  const problems: Problems = [];
  const api = c.services[ROLE_SERVICE.api];
  if (api === undefined) return ['service api is missing'];
  const env = envOf(api);
  const port = effective(env, 'API_PORT') ?? '';
  const mapping = portsOf(api).find((p) => p.target === port);
  if (mapping === undefined) {
    const targets = portsOf(api).map((p) => p.target);
    problems.push(
      `api listens on API_PORT ${port} but publishes container port(s) ${targets.join(', ') || 'none'}`,
    );
  }
  const hc = healthcheckText(api);
  if (hc === undefined) problems.push('api has no healthcheck');
  else {
    const m = /https?:\/\/[^/:\s'"]+:(\d+)\/health\b/.exec(hc);
    if (!m) problems.push(`api healthcheck does not probe http://<host>:<API_PORT>/health: ${hc}`);
    else if (m[1] !== port) problems.push(`api healthcheck probes port ${m[1]}, API_PORT is ${port}`);
  }
  // Links the API hands out must reach it from the host: PUBLIC_BASE_URL's port is the published one.
  const base = env['PUBLIC_BASE_URL'];
  if (base !== undefined && mapping?.published !== undefined) {
    try {
      const u = new URL(base);
      const basePort = u.port || (u.protocol === 'https:' ? '443' : '80');
      if (/^(localhost|127\.0\.0\.1)$/.test(u.hostname) && basePort !== mapping.published) {
        problems.push(`PUBLIC_BASE_URL ${base} does not use the published port ${mapping.published}`);
      }
    } catch {
      problems.push(`PUBLIC_BASE_URL is not a URL: ${base}`);
    }
  }
  return problems;
}

function checkTaskQueues(c: Compose): Problems {
  const problems: Problems = [];
  for (const name of ['ORDER_TASK_QUEUE', 'WAREHOUSE_TASK_QUEUE']) {
    const services = [...new Set([ROLE_SERVICE.api, ...rolesUsing(name).map((r) => ROLE_SERVICE[r])])];
    const values = services.map((s) => `${s}=${effective(envOf(c.services[s]), name)}`);
    if (new Set(values.map((v) => v.split('=')[1])).size > 1) {
      problems.push(`${name} disagrees: ${values.join(', ')}`);
    }
  }
  return problems;
}

function checkWorkerShutdown(c: Compose): Problems {
  const problems: Problems = [];
  for (const role of ROLES.filter((r) => rolesUsing('WORKER_SHUTDOWN_GRACE_SECONDS').includes(r))) {
    const service = ROLE_SERVICE[role];
    const svc = c.services[service];
    if (svc === undefined) continue;
    const grace = Number(effective(envOf(svc), 'WORKER_SHUTDOWN_GRACE_SECONDS'));
    const stop = durationSeconds(svc['stop_grace_period']);
    if (stop === undefined)
      problems.push(`${service}: stop_grace_period "${String(svc['stop_grace_period'])}" is no duration`);
    else if (!(stop > grace)) {
      problems.push(
        `${service}: stop_grace_period ${stop}s must exceed WORKER_SHUTDOWN_GRACE_SECONDS ${grace}s`,
      );
    }
  }
  return problems;
}

/** The file `temporal` reads as dynamic config, and that it enables updates and update-with-start. */
function checkDynamicConfig(c: Compose, root: string): Problems {
  const temporal = c.services[TEMPORAL_SERVICE];
  const configured = envOf(temporal)['TEMPORAL_DYNAMIC_CONFIG'];
  if (configured === undefined) return [`${TEMPORAL_SERVICE}: TEMPORAL_DYNAMIC_CONFIG is not set`];
  const inContainer = path.posix.resolve('/', configured);
  let file: string | undefined;
  for (const v of volumesOf(temporal)) {
    const src = hostPath(root, v.source);
    if (src === undefined) continue;
    if (v.target === inContainer) file = src;
    else if (inContainer.startsWith(`${v.target.replace(/\/$/, '')}/`)) {
      file = path.join(src, path.posix.relative(v.target, inContainer));
    }
  }
  if (file === undefined) return [`${TEMPORAL_SERVICE}: no bind mount provides ${inContainer} from the repo`];
  if (!existsSync(file))
    return [`${TEMPORAL_SERVICE}: dynamic config ${path.relative(root, file)} does not exist`];
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    return [`dynamic config ${path.relative(root, file)} is not YAML: ${(err as Error).message}`];
  }
  const problems: Problems = [];
  for (const key of REQUIRED_DYNAMIC_CONFIG) {
    const entries = isRecord(doc) ? doc[key] : undefined;
    const enabled =
      Array.isArray(entries) &&
      entries.some(
        (e) =>
          isRecord(e) &&
          e['value'] === true &&
          (e['constraints'] === undefined ||
            (isRecord(e['constraints']) && Object.keys(e['constraints']).length === 0)),
      );
    if (!enabled)
      problems.push(`dynamic config ${path.relative(root, file)} does not enable ${key} for all namespaces`);
  }
  return problems;
}

/**
 * Temporal runs as one container per service (frontend = `temporal`, matching, worker, at least two history
 * hosts), each the server image started on the repository's config/temporal, the directory
 * `TEMPORAL=cluster npm start` uses, with the same database and history-shard count.
 */
function checkTemporalServices(c: Compose, root: string): Problems {
  const problems: Problems = [];
  const servers = Object.entries(c.services).filter(([, svc]) =>
    (scalar(svc['image']) ?? '').startsWith(TEMPORAL_SERVER_IMAGE),
  );
  const roles = new Map<string, string[]>();
  for (const [name, svc] of servers) {
    const role = argv(svc['command'])[0] ?? '<none>';
    roles.set(role, [...(roles.get(role) ?? []), name]);
    const mount = volumesOf(svc).find((v) => v.target === TEMPORAL_CONFIG_MOUNT);
    const source = hostPath(root, mount?.source);
    if (source !== path.join(root, TEMPORAL_CONFIG_DIR)) {
      problems.push(`${name}: ${TEMPORAL_CONFIG_MOUNT} must be the repository's ${TEMPORAL_CONFIG_DIR}`);
    }
    const script = scriptOf(svc, root).replace(/\s+/g, ' ');
    if (!/--root \/etc\/order-platform --config temporal --env cluster\b/.test(script)) {
      problems.push(`${name}: does not start the server on ${TEMPORAL_CONFIG_MOUNT}/cluster.yaml`);
    }
    if (!/--service "?\$1"?/.test(script))
      problems.push(`${name}: does not pass its command on as --service`);
  }
  if (roles.get('frontend')?.[0] !== TEMPORAL_SERVICE) {
    problems.push(
      `the frontend must be the ${TEMPORAL_SERVICE} service (clients use ${TEMPORAL_SERVICE}:7233)`,
    );
  }
  for (const role of ['matching', 'worker']) {
    if (!roles.has(role)) problems.push(`no Temporal ${role} service`);
  }
  if ((roles.get('history') ?? []).length < 2) problems.push('fewer than two Temporal history hosts');
  for (const name of ['TEMPORAL_HISTORY_SHARDS', 'TEMPORAL_DB_HOST', 'TEMPORAL_FRONTEND_ADDRESS']) {
    const values = new Set(servers.map(([, svc]) => envOf(svc)[name]));
    if (values.size !== 1 || values.has(undefined)) {
      problems.push(`${name} must be set, and the same, on every Temporal service`);
    }
  }
  const config = path.join(root, TEMPORAL_CONFIG_DIR, 'cluster.yaml');
  if (!existsSync(config) || !readFileSync(config, 'utf8').startsWith('# enable-template')) {
    problems.push(`${TEMPORAL_CONFIG_DIR}/cluster.yaml is missing or not a template`);
  }
  return problems;
}

/** The one-shot that registers the search attributes: admin-tools image, both names, as Keyword. */
function checkSearchAttributesJob(c: Compose, root: string): Problems {
  const svc = c.services[SEARCH_ATTRIBUTES_SERVICE];
  if (svc === undefined) return [`service ${SEARCH_ATTRIBUTES_SERVICE} is missing`];
  const problems: Problems = [];
  if (!(scalar(svc['image']) ?? '').startsWith('temporalio/admin-tools:')) {
    problems.push(`${SEARCH_ATTRIBUTES_SERVICE} must use the temporalio/admin-tools image`);
  }
  if (restartPolicy(svc) !== 'no') problems.push(`${SEARCH_ATTRIBUTES_SERVICE} is one-shot: restart "no"`);
  // What it runs: its command and entrypoint, plus any script mounted from the repo.
  const text = scriptOf(svc, root);
  if (!/temporal\b.*operator search-attribute create/.test(text.replace(/\s+/g, ' '))) {
    problems.push(`${SEARCH_ATTRIBUTES_SERVICE} never runs temporal operator search-attribute create`);
  }
  for (const name of SEARCH_ATTRIBUTES) {
    if (!new RegExp(`\\b${name}\\b`).test(text))
      problems.push(`${SEARCH_ATTRIBUTES_SERVICE} does not register ${name}`);
  }
  if (!/--type[ =]Keyword\b/.test(text))
    problems.push(`${SEARCH_ATTRIBUTES_SERVICE} does not use type Keyword`);
  return problems;
}

/** Images are pinned: no `latest`, no missing tag. */
function checkImagesPinned(c: Compose): Problems {
  const problems: Problems = [];
  for (const [name, svc] of Object.entries(c.services)) {
    const image = scalar(svc['image']);
    if (image === undefined) continue;
    const tag = /:([^/:@]+)$/.exec(image)?.[1];
    if (tag === undefined && !image.includes('@sha256:')) problems.push(`${name}: image ${image} has no tag`);
    if (tag === 'latest') problems.push(`${name}: image ${image} uses latest`);
  }
  return problems;
}

// ------------------------------------------------------------------ image and source checks

function checkDockerfile(dockerfile: string, packageJson: unknown, dockerignore: string): Problems {
  const problems: Problems = [];
  const lines = dockerfile
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const from = lines.filter((l) => /^FROM\s/i.test(l));
  if (!/^FROM\s+node:20-bookworm-slim(\s|$)/i.test(from.at(-1) ?? '')) {
    problems.push(`the final stage must be FROM node:20-bookworm-slim, is "${from.at(-1) ?? '<none>'}"`);
  }
  if (!lines.some((l) => /^RUN\s.*\bnpm ci\b.*--omit=dev/i.test(l)))
    problems.push('the image must install with npm ci --omit=dev');
  const user = lines.filter((l) => /^USER\s/i.test(l)).at(-1);
  if (user === undefined || /^USER\s+(root|0)(:|\s|$)/i.test(user))
    problems.push('the image must switch to a non-root USER');
  const cmd = lines.filter((l) => /^CMD\s/i.test(l)).at(-1) ?? '';
  if (!cmd.includes('api/main.ts') || !cmd.includes('tsx'))
    problems.push(`default CMD must run the API with tsx, is "${cmd}"`);
  // `node --import tsx` in an image without devDependencies needs tsx as a runtime dependency.
  const deps =
    isRecord(packageJson) && isRecord(packageJson['dependencies']) ? packageJson['dependencies'] : {};
  if (!('tsx' in deps))
    problems.push('package.json must list tsx in dependencies: npm ci --omit=dev leaves devDependencies out');
  const ignored = new Set(
    dockerignore
      .split('\n')
      .map((l) => l.trim().replace(/^\/|\/$/g, ''))
      .filter((l) => l !== '' && !l.startsWith('#')),
  );
  for (const p of ['node_modules', '.data', '.tools', '.git']) {
    if (!ignored.has(p)) problems.push(`.dockerignore must exclude ${p}`);
  }
  return problems;
}

function listSourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listSourceFiles(full));
    else if (/\.(ts|mts|cts|tsx)$/.test(entry.name)) out.push(full);
  }
  return out;
}

/** Environment reads outside config/env.ts, as "file:line: text". */
function findStrayEnvReads(root: string, dirs: readonly string[] = SOURCE_DIRS): Problems {
  const problems: Problems = [];
  const pattern =
    /\bprocess\s*(\.\s*env\b|\[\s*['"`]env['"`]\s*\])|\bimport\s*\{[^}]*\benv\b[^}]*\}\s*from\s*['"](node:)?process['"]/;
  for (const dir of dirs) {
    for (const file of listSourceFiles(path.join(root, dir))) {
      const rel = path.relative(root, file).split(path.sep).join('/');
      if (rel === ENV_MODULE) continue;
      const lines = readFileSync(file, 'utf8').split('\n');
      lines.forEach((line, i) => {
        const code = line.replace(/\/\/.*$/, '').trim();
        if (code.startsWith('*') || code.startsWith('/*')) return; // inside a doc comment
        if (pattern.test(code)) problems.push(`${rel}:${i + 1}: ${line.trim()}`);
      });
    }
  }
  return problems;
}

// ------------------------------------------------------------------ tests

function svcOf(c: Compose, name: string): Service {
  const svc = c.services[name];
  assert.ok(svc, `service ${name}`);
  return svc;
}

function envMap(c: Compose, name: string): Record<string, unknown> {
  const env = svcOf(c, name)['environment'];
  assert.ok(isRecord(env), `${name} uses map syntax for environment`);
  return env;
}

const composeText = readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8');
const loaded = parseCompose(composeText);
const compose = loaded.compose;

describe('docker-compose.yml', () => {
  describe('the real files', () => {
    it('parses, with every interpolation resolvable from an empty shell', () => {
      assert.deepEqual(loaded.problems, []);
      assert.deepEqual(checkTopLevel(compose), []);
    });

    it('depends_on names existing services with valid conditions', () => {
      assert.deepEqual(checkDependsOn(compose), []);
    });

    it('built services run known entry points with tsx', () => {
      assert.deepEqual(checkEntryPoints(compose), []);
    });

    it('the entry files the commands name exist in the repo', () => {
      assert.deepEqual(checkEntryFilesExist(compose, ROOT), []);
    });

    it('each role gets every variable it reads, only known names, and loadConfig accepts them', () => {
      assert.deepEqual(checkRoleEnvironments(compose), []);
    });

    it('SHARD_URLS names the shard services, their port and credentials, identically everywhere', () => {
      assert.deepEqual(checkShardUrls(compose), []);
    });

    it('settings shared between processes agree', () => {
      assert.deepEqual(checkSharedSettingsAgree(compose), []);
    });

    it('starts shards → migrate → app, after Temporal and the search attributes', () => {
      assert.deepEqual(checkStartupOrder(compose), []);
    });

    it('TEMPORAL_ADDRESS is the temporal service on its frontend port, for the app and the UI', () => {
      assert.deepEqual(checkTemporalAddress(compose), []);
    });

    it('API_PORT is the published container port and the healthcheck port', () => {
      assert.deepEqual(checkApiPort(compose), []);
    });

    it('task queues agree between the api and the workers', () => {
      assert.deepEqual(checkTaskQueues(compose), []);
    });

    it('workers get longer to stop than their shutdown grace', () => {
      assert.deepEqual(checkWorkerShutdown(compose), []);
    });

    it('Temporal runs a container per service, all on the config `TEMPORAL=cluster npm start` uses', () => {
      assert.deepEqual(checkTemporalServices(compose, ROOT), []);
    });

    it('the dynamic config mounted into temporal enables updates and update-with-start', () => {
      assert.deepEqual(checkDynamicConfig(compose, ROOT), []);
    });

    it('the search-attributes job registers OrderStatus and CustomerId as Keyword', () => {
      assert.deepEqual(checkSearchAttributesJob(compose, ROOT), []);
    });

    it('images are pinned', () => {
      assert.deepEqual(checkImagesPinned(compose), []);
    });

    it('the Dockerfile builds a runnable non-root image', () => {
      const problems = checkDockerfile(
        readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8'),
        JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')),
        readFileSync(path.join(ROOT, '.dockerignore'), 'utf8'),
      );
      assert.deepEqual(problems, []);
    });

    it('no source outside config/env.ts reads process.env (so ENV_VARS is complete)', () => {
      assert.deepEqual(findStrayEnvReads(ROOT), []);
    });
  });

  describe('the checks bite', () => {
    const mutate = (fn: (c: Compose) => void): Compose => {
      const c = clone(compose);
      fn(c);
      return c;
    };

    it('a depends_on on a missing service', () => {
      const c = mutate((c) => {
        svcOf(c, 'api')['depends_on'] = {
          ...dependsOnRaw(svcOf(c, 'api')),
          'no-such-service': { condition: 'service_started' },
        };
      });
      assertBites(checkDependsOn(c), /unknown service no-such-service/);
    });

    it('waiting on a restarting one-shot', () => {
      const c = mutate((c) => {
        svcOf(c, MIGRATE_SERVICE)['restart'] = 'unless-stopped';
      });
      assertBites(checkDependsOn(c), /one-shot migrate/);
    });

    it('a command naming an unknown entry point', () => {
      const c = mutate((c) => {
        svcOf(c, 'order-worker')['command'] = ['node', '--import', 'tsx', 'workers/order-wroker.ts'];
      });
      assertBites(checkEntryPoints(c), /not a known entry point/);
    });

    it('a command without tsx', () => {
      const c = mutate((c) => {
        svcOf(c, 'api')['command'] = 'node api/main.ts';
      });
      assertBites(checkEntryPoints(c), /without --import tsx/);
    });

    it('entry files missing on disk', () => {
      const empty = mkdtempSync(path.join(tmpdir(), 'compose-test-'));
      try {
        assertBites(checkEntryFilesExist(compose, empty), /entry file api\/main\.ts does not exist/);
      } finally {
        rmSync(empty, { recursive: true, force: true });
      }
    });

    it('SHARD_URLS missing from the api', () => {
      const c = mutate((c) => {
        delete envMap(c, 'api')['SHARD_URLS'];
      });
      assertBites(checkRoleEnvironments(c), /api: required SHARD_URLS is not set/);
    });

    it('PUBLIC_BASE_URL (required, no default) missing from the api', () => {
      const c = mutate((c) => {
        delete envMap(c, 'api')['PUBLIC_BASE_URL'];
      });
      assertBites(checkRoleEnvironments(c), /api: required PUBLIC_BASE_URL/);
    });

    it('a misspelt variable', () => {
      const c = mutate((c) => {
        envMap(c, 'warehouse-worker')['WORKER_MAX_CONCURENT_ACTIVITIES'] = '5';
      });
      assertBites(checkRoleEnvironments(c), /WORKER_MAX_CONCURENT_ACTIVITIES is not a variable/);
    });

    it('a value loadConfig rejects', () => {
      const c = mutate((c) => {
        envMap(c, 'order-worker')['DB_POOL_SIZE'] = 'ten';
      });
      assertBites(checkRoleEnvironments(c), /order-worker: loadConfig\(\) rejects.*DB_POOL_SIZE/);
    });

    it('a shard host that is no service', () => {
      const c = mutate((c) => {
        for (const s of ['api', 'order-worker', 'warehouse-worker', MIGRATE_SERVICE]) {
          const env = envMap(c, s);
          env['SHARD_URLS'] = String(env['SHARD_URLS']).replace('@shard-1:', '@shard-9:');
        }
      });
      assertBites(checkShardUrls(c), /host shard-9, which is no service/);
    });

    it('a wrong port, password or database in SHARD_URLS', () => {
      const c = mutate((c) => {
        envMap(c, 'api')['SHARD_URLS'] =
          'postgres://orders:secret@shard-0:55432/orders,postgres://orders:orders@shard-1:5432/shop';
      });
      const problems = checkShardUrls(c);
      assertBites(problems, /port 55432/);
      assertBites(problems, /password for shard-0/);
      assertBites(problems, /db for shard-1/);
    });

    it('shard credentials changed on the service only', () => {
      const c = mutate((c) => {
        envMap(c, 'shard-1')['POSTGRES_PASSWORD'] = 'changed';
      });
      assertBites(checkShardUrls(c), /password for shard-1/);
    });

    it('fewer than two shards', () => {
      const one = 'postgres://orders:orders@shard-0:5432/orders';
      const c = mutate((c) => {
        for (const s of ['api', 'order-worker', 'warehouse-worker', MIGRATE_SERVICE])
          envMap(c, s)['SHARD_URLS'] = one;
      });
      assertBites(checkShardUrls(c), /at least 2 shards/);
    });

    it('a worker with the shards in another ring order', () => {
      const c = mutate((c) => {
        const env = envMap(c, 'warehouse-worker');
        env['SHARD_URLS'] = String(env['SHARD_URLS']).split(',').reverse().join(',');
      });
      assertBites(checkShardUrls(c), /warehouse-worker SHARD_URLS .* differs/);
      assertBites(checkSharedSettingsAgree(c), /SHARD_URLS differs/);
    });

    it('two shards sharing one volume', () => {
      const c = mutate((c) => {
        svcOf(c, 'shard-1')['volumes'] = ['shard-0-data:/var/lib/postgresql/data'];
      });
      assertBites(checkShardUrls(c), /share volume shard-0-data/);
    });

    it('the api starting before migrations complete', () => {
      const c = mutate((c) => {
        const deps = dependsOnRaw(svcOf(c, 'api'));
        delete deps[MIGRATE_SERVICE];
        svcOf(c, 'api')['depends_on'] = deps;
      });
      assertBites(checkStartupOrder(c), /api must depend on migrate/);
    });

    it('TEMPORAL_ADDRESS pointing elsewhere, in the app or the UI', () => {
      const c = mutate((c) => {
        envMap(c, 'order-worker')['TEMPORAL_ADDRESS'] = 'temporal-frontend:7233';
        envMap(c, TEMPORAL_UI_SERVICE)['TEMPORAL_ADDRESS'] = 'temporal:7234';
      });
      const problems = checkTemporalAddress(c);
      assertBites(problems, /order-worker: TEMPORAL_ADDRESS is temporal-frontend:7233/);
      assertBites(problems, /temporal-ui: TEMPORAL_ADDRESS is temporal:7234/);
    });

    it('temporal no longer exposing its frontend port', () => {
      const c = mutate((c) => {
        svcOf(c, TEMPORAL_SERVICE)['ports'] = ['7234:7234'];
      });
      assertBites(checkTemporalAddress(c), /does not expose its frontend port/);
    });

    it('the api port mapping changed', () => {
      const c = mutate((c) => {
        svcOf(c, 'api')['ports'] = ['3000:8080'];
      });
      assertBites(checkApiPort(c), /publishes container port\(s\) 8080/);
    });

    it('API_PORT changed without the healthcheck', () => {
      const c = mutate((c) => {
        envMap(c, 'api')['API_PORT'] = '8080';
        svcOf(c, 'api')['ports'] = ['3000:8080'];
      });
      const problems = checkApiPort(c);
      assertBites(problems, /healthcheck probes port 3000, API_PORT is 8080/);
      assert.ok(!problems.some((p) => /publishes/.test(p)), problems.join('\n'));
    });

    it('PUBLIC_BASE_URL not on the published port', () => {
      const c = mutate((c) => {
        svcOf(c, 'api')['ports'] = ['8000:3000'];
      });
      assertBites(checkApiPort(c), /PUBLIC_BASE_URL .* published port 8000/);
    });

    it('task queues that disagree', () => {
      const c = mutate((c) => {
        envMap(c, 'order-worker')['ORDER_TASK_QUEUE'] = 'orders-v2';
        // The API names the warehouse queue in each order; a worker polling another one waits forever.
        envMap(c, 'api')['WAREHOUSE_TASK_QUEUE'] = 'stock';
      });
      const problems = checkTaskQueues(c);
      assertBites(problems, /ORDER_TASK_QUEUE disagrees/);
      assertBites(problems, /WAREHOUSE_TASK_QUEUE disagrees/);
    });

    it('a worker killed before its shutdown grace is over', () => {
      const c = mutate((c) => {
        svcOf(c, 'order-worker')['stop_grace_period'] = '5s';
        delete svcOf(c, 'warehouse-worker')['stop_grace_period'];
      });
      const problems = checkWorkerShutdown(c);
      assertBites(problems, /order-worker: stop_grace_period 5s/);
      assertBites(problems, /warehouse-worker: stop_grace_period 10s/);
    });

    it('a Temporal topology that drifts from the local one', () => {
      const oneHistory = mutate((c) => {
        delete c.services['temporal-history-2'];
      });
      assertBites(checkTemporalServices(oneHistory, ROOT), /fewer than two Temporal history hosts/);
      const ownConfig = mutate((c) => {
        svcOf(c, 'temporal-matching')['volumes'] = [`./docker:${TEMPORAL_CONFIG_MOUNT}:ro`];
      });
      assertBites(checkTemporalServices(ownConfig, ROOT), /temporal-matching: .* must be the repository's/);
      const otherShards = mutate((c) => {
        svcOf(c, 'temporal-history-1')['environment'] = {
          ...envOf(svcOf(c, 'temporal-history-1')),
          TEMPORAL_HISTORY_SHARDS: '4',
        };
      });
      assertBites(
        checkTemporalServices(otherShards, ROOT),
        /TEMPORAL_HISTORY_SHARDS must be set, and the same/,
      );
    });

    it('the dynamic config not mounted, or not enabling update-with-start', () => {
      const unmounted = mutate((c) => {
        svcOf(c, TEMPORAL_SERVICE)['volumes'] = [];
      });
      assertBites(checkDynamicConfig(unmounted, ROOT), /no bind mount provides/);

      const dir = mkdtempSync(path.join(tmpdir(), 'compose-test-'));
      try {
        writeFileSync(
          path.join(dir, 'dc.yaml'),
          'frontend.enableUpdateWorkflowExecution:\n  - value: true\nfrontend.enableExecuteMultiOperation:\n  - value: false\n',
        );
        const disabled = mutate((c) => {
          svcOf(c, TEMPORAL_SERVICE)['volumes'] = [
            `./dc.yaml:${envOf(svcOf(c, TEMPORAL_SERVICE))['TEMPORAL_DYNAMIC_CONFIG']}:ro`,
          ];
        });
        assertBites(
          checkDynamicConfig(disabled, dir),
          /does not enable frontend\.enableExecuteMultiOperation/,
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('a search-attributes job that forgets one attribute', () => {
      const c = mutate((c) => {
        const svc = svcOf(c, SEARCH_ATTRIBUTES_SERVICE);
        svc['volumes'] = [];
        svc['entrypoint'] = [
          'temporal',
          'operator',
          'search-attribute',
          'create',
          '--name',
          'OrderStatus',
          '--type',
          'Keyword',
        ];
      });
      assertBites(checkSearchAttributesJob(c, ROOT), /does not register CustomerId/);
    });

    it('an unpinned image', () => {
      const c = mutate((c) => {
        svcOf(c, 'shard-0')['image'] = 'postgres';
        svcOf(c, TEMPORAL_UI_SERVICE)['image'] = 'temporalio/ui:latest';
      });
      const problems = checkImagesPinned(c);
      assertBites(problems, /shard-0: image postgres has no tag/);
      assertBites(problems, /temporal-ui: image temporalio\/ui:latest uses latest/);
    });

    it('a Dockerfile that runs as root or without tsx at runtime', () => {
      const dockerfile = 'FROM node:20-bookworm-slim\nRUN npm ci\nCMD ["node", "api/main.ts"]\n';
      const problems = checkDockerfile(dockerfile, { devDependencies: { tsx: '4' } }, 'node_modules\n');
      for (const p of [
        /npm ci --omit=dev/,
        /non-root USER/,
        /default CMD/,
        /tsx in dependencies/,
        /exclude \.data/,
      ]) {
        assertBites(problems, p);
      }
    });

    it('a process.env read outside config/env.ts', () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'compose-test-'));
      try {
        mkdirSync(path.join(dir, 'db'));
        mkdirSync(path.join(dir, 'config'));
        writeFileSync(path.join(dir, 'config', 'env.ts'), 'export const e = process.env;\n');
        writeFileSync(
          path.join(dir, 'db', 'pool.ts'),
          '// process.env in a comment is fine\nconst size = Number(process.env.DB_POOL_SIZE);\n',
        );
        assert.deepEqual(findStrayEnvReads(dir), [
          'db/pool.ts:2: const size = Number(process.env.DB_POOL_SIZE);',
        ]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('an interpolation that needs the shell', () => {
      assertBites(interpolate(`\${JWT_SECRET:?set it}`).problems, /requires JWT_SECRET/);
      assert.equal(interpolate(`\${LOG_LEVEL:-info}`).value, 'info');
      assert.equal(interpolate(`a$$b \${X-} $Y`, { Y: 'y' }).value, 'a$b  y');
    });

    it('a top-level version key', () => {
      assertBites(checkTopLevel({ ...clone(compose), version: '3.8' }), /version/);
    });
  });
});

/** depends_on as a map (the form this compose file uses), copied for editing. */
function dependsOnRaw(svc: Service): Record<string, unknown> {
  const raw = svc['depends_on'];
  assert.ok(isRecord(raw), 'depends_on uses map syntax');
  return { ...raw };
}
