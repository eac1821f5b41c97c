/**
 * The shard HA variant, `docker compose -f docker-compose.yml -f docker-compose.ha.yml`, checked without a
 * Docker engine against the code that runs the same topology locally (scripts/lib/auto-failover/): the
 * two files are merged as compose merges them, every check is a pure function of the merged file that
 * returns problems, the real files give none and a mutated copy at least one.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOCAL_ENV_VARS, loadConfig } from '../config/env.js';
import { hostsOf, sessionAttrsOf, splitShardUrls } from '../db/replicas/shard-url.js';
import { AUTO_FAILOVER_PACKAGES } from '../scripts/lib/auto-failover/autoctl.js';
import { MONITOR_TIMING } from '../scripts/lib/auto-failover/ha-shard-cluster.js';
import { SHARD_DATABASE } from '../scripts/lib/postgres-server.js';
import {
  argv,
  assertBites,
  type Compose,
  checkDependsOn,
  clone,
  dependsOn,
  envOf,
  healthcheckText,
  isActive,
  isRecord,
  mergeCompose,
  type Problems,
  parseCompose,
  parseComposeFiles,
  restartPolicy,
  type Service,
  scalar,
  volumesOf,
} from './support/compose-file.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BASE_FILE = 'docker-compose.yml';
const HA_FILE = 'docker-compose.ha.yml';
const DOCKERFILE = 'docker/pg-auto-failover.Dockerfile';
const ENTRYPOINT = 'docker/pg-auto-failover-node.sh';

/** The processes that read SHARD_URLS. */
const PLATFORM = ['api', 'order-worker', 'warehouse-worker', 'migrate'] as const;
/** Where a pg_auto_failover server keeps PGDATA and pg_autoctl's state (the image's PGAF_HOME). */
const SERVER_HOME = '/var/lib/postgresql/pgaf';
const MONITOR_DATABASE = 'pg_auto_failover';
const MONITOR_USER = 'autoctl_node';
/** The superuser of the nodes: pg_autoctl creates them as the postgres OS user. */
const SHARD_USER = 'postgres';
const DEFAULT_PORT = '5432';
const DEFAULT_SHARDS = Number(LOCAL_ENV_VARS.find((v) => v.name === 'SHARDS')?.default);

type Role = 'monitor' | 'node' | 'formations';
interface Server {
  name: string;
  svc: Service;
  role: Role | string;
  /** Arguments after the role: `name=value` settings, or the formations to create. */
  args: string[];
  env: Record<string, string>;
}

/** Services of the pg_auto_failover image: built from its Dockerfile, or configured for it (PGAF_*). */
function servers(c: Compose): Server[] {
  const out: Server[] = [];
  for (const [name, svc] of Object.entries(c.services)) {
    const env = envOf(svc);
    if (dockerfileOf(svc) !== DOCKERFILE && !Object.keys(env).some((k) => k.startsWith('PGAF_'))) continue;
    const [role = 'node', ...args] = argv(svc['command']); // the image's CMD is `node`
    out.push({ name, svc, role, args, env });
  }
  return out;
}

const byRole = (c: Compose, role: Role) => servers(c).filter((s) => s.role === role);

/** The repo path of the Dockerfile a service builds, if any. */
function dockerfileOf(svc: Service): string | undefined {
  const build = svc['build'];
  if (build === undefined) return undefined;
  const context = isRecord(build) ? (scalar(build['context']) ?? '.') : (scalar(build) ?? '.');
  const file = (isRecord(build) && scalar(build['dockerfile'])) || 'Dockerfile';
  return path.posix.normalize(path.posix.join(context, file));
}

function settingsOf(args: readonly string[]): Map<string, string> {
  return new Map(
    args.filter((a) => a.includes('=')).map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]),
  );
}

const portOf = (s: Server) => s.env['PGPORT'] ?? DEFAULT_PORT;
const addressOf = (s: Server) => `${s.name}:${portOf(s)}`;

/** User and database of a postgres:// URL (multi-host URLs are no WHATWG URLs). */
function userAndDb(url: string): { user?: string; db?: string } {
  const m = /^postgres(?:ql)?:\/\/(?:([^@/]*)@)?[^/]*\/([^?]*)/.exec(url);
  return { user: m?.[1], db: m?.[2] };
}

function haShardUrls(c: Compose): string[] {
  return splitShardUrls(envOf(c.services['api'])['SHARD_URLS'] ?? '');
}

// ------------------------------------------------------------------ checks (pure: compose → problems)

/** One monitor, whose settings are MONITOR_TIMING, reachable by its service name. */
function checkMonitor(c: Compose): Problems {
  const monitors = byRole(c, 'monitor');
  if (monitors.length !== 1) return [`expected one pg_auto_failover monitor, found ${monitors.length}`];
  const monitor = monitors[0]!;
  const problems: Problems = [];
  const settings = settingsOf(monitor.args);
  for (const [name, value] of Object.entries(MONITOR_TIMING)) {
    const got = settings.get(name);
    if (got !== String(value))
      problems.push(`monitor timing ${name} is ${got ?? 'not set'}, MONITOR_TIMING says ${value}`);
  }
  for (const name of settings.keys()) {
    if (name.startsWith('pgautofailover.') && !(name in MONITOR_TIMING))
      problems.push(`monitor setting ${name} is not in MONITOR_TIMING`);
  }
  if (monitor.env['PGAF_HOSTNAME'] !== monitor.name)
    problems.push(`${monitor.name}: PGAF_HOSTNAME must be its service name`);
  if (healthcheckText(monitor.svc) === undefined) problems.push(`${monitor.name} has no healthcheck`);
  return problems;
}

/** The monitor URL a node or the formations job is given: the monitor service, its port and database. */
function checkMonitorUrl(c: Compose, s: Server): Problems {
  const monitor = byRole(c, 'monitor')[0];
  const url = s.env['PGAF_MONITOR'];
  if (url === undefined) return [`${s.name}: PGAF_MONITOR is not set`];
  const expected = monitor === undefined ? undefined : addressOf(monitor);
  const { user, db } = userAndDb(url);
  const hosts = hostsOf(url);
  if (hosts.length !== 1 || hosts[0] !== expected)
    return [`${s.name}: PGAF_MONITOR names ${hosts.join(',')}, the monitor is ${expected ?? '<none>'}`];
  if (user !== MONITOR_USER || db !== MONITOR_DATABASE)
    return [`${s.name}: PGAF_MONITOR must be ${MONITOR_USER}@…/${MONITOR_DATABASE}`];
  return [];
}

/**
 * SHARD_URLS of the HA variant: one multi-host URL per formation `shard-<i>`, in ring order, naming
 * exactly that formation's nodes, as many shards as SHARDS, the same for every process.
 */
function checkShardUrls(c: Compose): Problems {
  const problems: Problems = [];
  const raw = envOf(c.services['api'])['SHARD_URLS'];
  if (raw === undefined) return ['api: SHARD_URLS is not set'];
  for (const service of PLATFORM) {
    const env = envOf(c.services[service]);
    if (env['SHARD_URLS'] !== raw) problems.push(`${service} SHARD_URLS differs from api's`);
    if (service === 'migrate') continue;
    try {
      loadConfig(env);
    } catch (err) {
      problems.push(`${service}: loadConfig() rejects its environment: ${(err as Error).message}`);
    }
  }
  const urls = splitShardUrls(raw);
  if (urls.length !== DEFAULT_SHARDS)
    problems.push(`SHARD_URLS lists ${urls.length} shard(s), SHARDS defaults to ${DEFAULT_SHARDS}`);
  const nodes = byRole(c, 'node');
  const formationOf = new Map(nodes.map((n) => [addressOf(n), n.env['PGAF_FORMATION']]));
  urls.forEach((url, i) => {
    const formation = `shard-${i}`;
    const members = nodes.filter((n) => n.env['PGAF_FORMATION'] === formation).map(addressOf);
    const named = hostsOf(url);
    for (const address of named) {
      if (members.includes(address)) continue;
      const other = formationOf.get(address);
      problems.push(
        other === undefined
          ? `SHARD_URLS shard ${i} names ${address}, which is no pg_auto_failover node`
          : `SHARD_URLS shard ${i} names ${address}, a node of ${other}, not ${formation}`,
      );
    }
    for (const address of members) {
      if (!named.includes(address))
        problems.push(`SHARD_URLS shard ${i} leaves out ${address} of ${formation}`);
    }
    if (new Set(named).size !== named.length) problems.push(`SHARD_URLS shard ${i} names a node twice`);
    if (members.length < 2)
      problems.push(`${formation} has ${members.length} node(s): a primary and a standby at least`);
    if (sessionAttrsOf(url) !== 'primary')
      problems.push(`SHARD_URLS shard ${i} must ask for target_session_attrs=primary`);
    const { user, db } = userAndDb(url);
    if (db !== SHARD_DATABASE)
      problems.push(`SHARD_URLS shard ${i} names database ${db}, not ${SHARD_DATABASE}`);
    if (user !== SHARD_USER) problems.push(`SHARD_URLS shard ${i} connects as ${user}, not ${SHARD_USER}`);
  });
  for (const n of nodes) {
    const formation = n.env['PGAF_FORMATION'];
    if (!urls.some((_, i) => formation === `shard-${i}`))
      problems.push(
        `node ${n.name} is in formation ${formation ?? '<unset>'}, which no shard of SHARD_URLS is`,
      );
  }
  return problems;
}

/** Each node: named as its service, in one formation with one first node, health = its shard has a primary. */
function checkNodes(c: Compose): Problems {
  const problems: Problems = [];
  const urls = haShardUrls(c);
  const nodes = byRole(c, 'node');
  for (const n of nodes) {
    for (const key of ['PGAF_NAME', 'PGAF_HOSTNAME']) {
      if (n.env[key] !== n.name)
        problems.push(`${n.name}: ${key} is ${n.env[key] ?? '<unset>'}, not its service name`);
    }
    problems.push(...checkMonitorUrl(c, n));
    const formation = n.env['PGAF_FORMATION'] ?? '';
    const shardUrl = urls[Number(/^shard-(\d+)$/.exec(formation)?.[1] ?? -1)];
    const hc = healthcheckText(n.svc);
    const hcUrl = /postgres(?:ql)?:\/\/\S+/.exec(hc ?? '')?.[0];
    if (hcUrl === undefined) problems.push(`${n.name}: healthcheck does not connect through its shard's URL`);
    else if (shardUrl !== undefined) {
      const [want, got] = [hostsOf(shardUrl), hostsOf(hcUrl)];
      if (want.length !== got.length || want.some((h) => !got.includes(h)))
        problems.push(`${n.name}: healthcheck names ${got.join(',')}, ${formation} is ${want.join(',')}`);
      if (sessionAttrsOf(hcUrl) !== 'primary')
        problems.push(`${n.name}: healthcheck must ask for target_session_attrs=primary`);
    }
  }
  for (const formation of new Set(nodes.map((n) => n.env['PGAF_FORMATION']))) {
    const first = nodes.filter(
      (n) => n.env['PGAF_FORMATION'] === formation && n.env['PGAF_JOIN_AFTER_PRIMARY'] !== 'true',
    );
    if (first.length !== 1) {
      problems.push(
        `${formation} must have exactly one node that registers without waiting for a primary, has ${first.length}`,
      );
    }
  }
  return problems;
}

/** Every server keeps its data in a named volume of its own, mounted where the image keeps it. */
function checkVolumes(c: Compose): Problems {
  const problems: Problems = [];
  const declared = isRecord(c['volumes']) ? Object.keys(c['volumes']) : [];
  const owner = new Map<string, string>();
  for (const s of servers(c).filter((s) => s.role !== 'formations')) {
    const source = volumesOf(s.svc).find((v) => v.target === SERVER_HOME)?.source;
    if (source === undefined) {
      problems.push(`${s.name} has no volume at ${SERVER_HOME}`);
      continue;
    }
    if (!declared.includes(source)) problems.push(`${s.name}: volume ${source} is not declared`);
    const other = owner.get(source);
    if (other !== undefined) problems.push(`${other} and ${s.name} share volume ${source}`);
    else owner.set(source, s.name);
  }
  return problems;
}

/** The one-shot that creates the formations: one per shard of SHARD_URLS, on the monitor. */
function checkFormationsJob(c: Compose): Problems {
  const jobs = byRole(c, 'formations');
  if (jobs.length !== 1) return [`expected one formations job, found ${jobs.length}`];
  const job = jobs[0]!;
  const problems: Problems = [...checkMonitorUrl(c, job)];
  if (restartPolicy(job.svc) !== 'no') problems.push(`${job.name} is one-shot: restart "no"`);
  const wanted = haShardUrls(c).map((_, i) => `shard-${i}`);
  for (const f of wanted)
    if (!job.args.includes(f)) problems.push(`${job.name} does not create formation ${f}`);
  for (const f of job.args)
    if (!wanted.includes(f)) problems.push(`${job.name} creates ${f}, which is no shard`);
  return problems;
}

function needs(c: Compose, service: string, dep: string, condition: string): Problems {
  return dependsOn(c.services[service])[dep] === condition
    ? []
    : [`${service} must depend on ${dep} with condition ${condition}`];
}

/**
 * monitor → formations → nodes → platform, every dependency on a service that starts, and the base
 * file's single-server shards left off.
 */
function checkStartupOrder(c: Compose, base: Compose): Problems {
  const problems: Problems = [...checkDependsOn(c)];
  const monitor = byRole(c, 'monitor')[0]?.name ?? '<monitor>';
  const job = byRole(c, 'formations')[0]?.name ?? '<formations job>';
  problems.push(...needs(c, job, monitor, 'service_healthy'));
  const nodes = byRole(c, 'node');
  for (const n of nodes) {
    problems.push(...needs(c, n.name, monitor, 'service_healthy'));
    problems.push(...needs(c, n.name, job, 'service_completed_successfully'));
  }
  for (const service of PLATFORM) {
    for (const n of nodes) {
      if (dependsOn(c.services[service])[n.name] !== 'service_healthy')
        problems.push(`${service} must wait for ${n.name} to be healthy`);
    }
  }
  const single = splitShardUrls(envOf(base.services['api'])['SHARD_URLS'] ?? '').flatMap((u) =>
    hostsOf(u).map((h) => h.replace(/:\d+$/, '')),
  );
  for (const host of single) {
    if (c.services[host] !== undefined && isActive(c.services[host]))
      problems.push(`single-server shard ${host} still starts in the HA variant`);
  }
  return problems;
}

/** The image: Debian's packages the local launcher uses, and the entrypoint with the launcher's flags. */
function checkImage(c: Compose, dockerfile: string, script: string): Problems {
  const problems: Problems = [];
  const images = new Set<string>();
  for (const s of servers(c)) {
    if (dockerfileOf(s.svc) !== DOCKERFILE) problems.push(`${s.name} is not built from ${DOCKERFILE}`);
    images.add(scalar(s.svc['image']) ?? `<${s.name}>`);
  }
  if (images.size > 1) problems.push(`the pg_auto_failover services name ${images.size} images`);
  const lines = dockerfile
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const text = lines.join('\n');
  if (!/^FROM\s+debian:bookworm-slim(\s|$)/i.test(lines.find((l) => /^FROM\s/i.test(l)) ?? ''))
    problems.push('the pg_auto_failover image must be FROM debian:bookworm-slim');
  for (const pkg of AUTO_FAILOVER_PACKAGES.split(' ')) {
    if (!new RegExp(`apt-get install[^\\n]*\\s${pkg}(\\s|;|$)`, 'm').test(text))
      problems.push(`the pg_auto_failover image does not install ${pkg}`);
  }
  const script_ = path.posix.basename(ENTRYPOINT);
  if (!lines.some((l) => /^COPY\s/i.test(l) && l.includes(script_)))
    problems.push(`the pg_auto_failover image does not copy ${script_}`);
  if (!lines.some((l) => /^ENTRYPOINT\s/i.test(l) && l.includes(script_)))
    problems.push(`the pg_auto_failover image's ENTRYPOINT is not ${script_}`);
  if (!/^USER\s+postgres$/m.test(text)) problems.push('the pg_auto_failover image must run as USER postgres');

  const flat = script.replace(/\\\n\s*/g, ' ');
  const want: [RegExp, string][] = [
    [/pg_autoctl create monitor[^\n]*--auth trust --no-ssl/, 'create the monitor with --auth trust --no-ssl'],
    [
      /pg_autoctl create postgres[^\n]*--auth trust --no-ssl[^\n]*--formation "\$PGAF_FORMATION" --dbname "\$DBNAME" --name "\$PGAF_NAME"/,
      'create a node with --auth trust --no-ssl --formation --dbname --name',
    ],
    [/pg_autoctl create formation[^\n]*--kind pgsql --dbname "\$DBNAME"/, 'create formations --kind pgsql'],
    [new RegExp(`^DBNAME=${SHARD_DATABASE}$`, 'm'), `use database ${SHARD_DATABASE}`],
    [/exec pg_autoctl run/, 'exec pg_autoctl run'],
    [/host all all samenet trust/, 'let the compose network in (pg_hba)'],
  ];
  for (const [pattern, what] of want) {
    if (!pattern.test(flat)) problems.push(`${ENTRYPOINT} does not ${what}`);
  }
  return problems;
}

// ------------------------------------------------------------------ tests

const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const baseText = read(BASE_FILE);
const haText = read(HA_FILE);
const base = parseCompose(baseText).compose;
const loaded = parseComposeFiles([baseText, haText]);
const compose = loaded.compose;
const dockerfile = read(DOCKERFILE);
const script = read(ENTRYPOINT);

const ALL_CHECKS: ((c: Compose) => Problems)[] = [
  checkMonitor,
  checkShardUrls,
  checkNodes,
  checkVolumes,
  checkFormationsJob,
  (c) => checkStartupOrder(c, base),
  (c) => checkImage(c, dockerfile, script),
];

function mutated(change: (c: Compose) => void): Problems {
  const copy = clone(compose);
  change(copy);
  return ALL_CHECKS.flatMap((check) => check(copy));
}

const svc = (c: Compose, name: string) => {
  const s = c.services[name];
  assert.ok(s, `service ${name}`);
  return s;
};
const env = (c: Compose, name: string) => svc(c, name)['environment'] as Record<string, unknown>;
const deps = (c: Compose, name: string) => svc(c, name)['depends_on'] as Record<string, unknown>;
const setShardUrls = (c: Compose, edit: (raw: string) => string) => {
  for (const s of PLATFORM) env(c, s)['SHARD_URLS'] = edit(String(env(c, s)['SHARD_URLS']));
};

describe('docker-compose.ha.yml: shards with standbys', () => {
  describe('the real files', () => {
    it('merge without problems, every interpolation resolvable from an empty shell', () => {
      assert.deepEqual(loaded.problems, []);
    });
    it('run the whole topology: a monitor, a formations job, two nodes per shard', () => {
      assert.equal(byRole(compose, 'monitor').length, 1);
      assert.equal(byRole(compose, 'formations').length, 1);
      assert.equal(byRole(compose, 'node').length, DEFAULT_SHARDS * 2);
    });
    for (const [name, check] of [
      ['the monitor timing is MONITOR_TIMING', checkMonitor],
      ['each shard URL names exactly its formation, SHARDS shards, everywhere', checkShardUrls],
      ['each node is named, placed and health-checked as its shard', checkNodes],
      ['each server has a volume of its own', checkVolumes],
      ['the formations job creates one formation per shard', checkFormationsJob],
      ['monitor → formations → nodes → platform', (c: Compose) => checkStartupOrder(c, base)],
      [
        'the image installs the packages the code names, the entrypoint uses its flags',
        (c: Compose) => checkImage(c, dockerfile, script),
      ],
    ] as const) {
      it(name, () => assert.deepEqual(check(compose), []));
    }
    it('leave plain `docker compose up` as it was', () => {
      assert.ok(Object.keys(base.services).every((s) => isActive(base.services[s])));
      assert.equal(servers(base).length, 0);
    });
    it('exist on disk: the Dockerfile and the entrypoint (executable)', () => {
      assert.ok(existsSync(path.join(ROOT, DOCKERFILE)));
      assert.ok(/^#!\/bin\/bash\n/.test(script));
      assert.ok(statSync(path.join(ROOT, ENTRYPOINT)).mode & 0o111, `${ENTRYPOINT} is not executable`);
    });
  });

  describe('the checks bite', () => {
    it('a monitor timing that differs from the code', () => {
      const problems = mutated((c) => {
        const cmd = svc(c, 'shard-monitor')['command'] as string[];
        svc(c, 'shard-monitor')['command'] = cmd
          .map((a) => a.replace('health_check_period=1000', 'health_check_period=2000'))
          .filter((a) => !a.startsWith('pgautofailover.primary_demote_timeout='))
          .concat('pgautofailover.enable_sync_wal_log=on');
      });
      assertBites(problems, /health_check_period is 2000, MONITOR_TIMING says 1000/);
      assertBites(problems, /primary_demote_timeout is not set/);
      assertBites(problems, /enable_sync_wal_log is not in MONITOR_TIMING/);
    });
    it('a shard URL that leaves out its standby', () => {
      const problems = mutated((c) => setShardUrls(c, (raw) => raw.replace(',shard-0-b:5432', '')));
      assertBites(problems, /shard 0 leaves out shard-0-b:5432 of shard-0/);
    });
    it("a shard URL naming another shard's node", () => {
      const problems = mutated((c) =>
        setShardUrls(c, (raw) => raw.replace('shard-0-b:5432', 'shard-1-b:5432')),
      );
      assertBites(problems, /shard 0 names shard-1-b:5432, a node of shard-1, not shard-0/);
    });
    it('a node on another port than its URL says', () => {
      const problems = mutated((c) => {
        env(c, 'shard-1-a')['PGPORT'] = '6543';
      });
      assertBites(problems, /shard 1 names shard-1-a:5432, which is no pg_auto_failover node/);
    });
    it('one shard fewer than SHARDS', () => {
      const problems = mutated((c) => setShardUrls(c, (raw) => splitShardUrls(raw)[0]!));
      assertBites(problems, /lists 1 shard\(s\), SHARDS defaults to 2/);
    });
    it('a worker on another ring', () => {
      const problems = mutated((c) => {
        env(c, 'order-worker')['SHARD_URLS'] = splitShardUrls(String(env(c, 'api')['SHARD_URLS']))
          .reverse()
          .join(',');
      });
      assertBites(problems, /order-worker SHARD_URLS differs/);
    });
    it('a node in the formation of another shard', () => {
      const problems = mutated((c) => {
        env(c, 'shard-1-b')['PGAF_FORMATION'] = 'shard-0';
      });
      assertBites(problems, /shard 1 names shard-1-b:5432, a node of shard-0, not shard-1/);
      assertBites(problems, /shard 0 leaves out shard-1-b:5432/);
    });
    it('a node in a formation no shard is', () => {
      assertBites(
        mutated((c) => {
          env(c, 'shard-1-b')['PGAF_FORMATION'] = 'shard-2';
        }),
        /shard-1-b is in formation shard-2, which no shard/,
      );
    });
    it('a node registered under another name', () => {
      assertBites(
        mutated((c) => {
          env(c, 'shard-0-a')['PGAF_NAME'] = 'node-1';
        }),
        /shard-0-a: PGAF_NAME is node-1/,
      );
    });
    it('a shard URL that may land on a standby', () => {
      const problems = mutated((c) =>
        setShardUrls(c, (raw) => raw.replaceAll('target_session_attrs=primary', 'target_session_attrs=any')),
      );
      assertBites(problems, /shard 0 must ask for target_session_attrs=primary/);
    });
    it("a node whose healthcheck asks another shard's nodes", () => {
      const problems = mutated((c) => {
        const hc = svc(c, 'shard-1-b')['healthcheck'] as Record<string, unknown>;
        hc['test'] = (hc['test'] as string[]).map((a) => a.replaceAll('shard-1-', 'shard-0-'));
      });
      assertBites(problems, /shard-1-b: healthcheck names shard-0-a:5432,shard-0-b:5432/);
    });
    it('two nodes of a shard both waiting for a primary', () => {
      const problems = mutated((c) => {
        env(c, 'shard-0-a')['PGAF_JOIN_AFTER_PRIMARY'] = 'true';
      });
      assertBites(problems, /shard-0 must have exactly one node that registers without waiting/);
    });
    it('two nodes sharing a volume, or a node without one', () => {
      const problems = mutated((c) => {
        svc(c, 'shard-1-b')['volumes'] = ['shard-1-a-data:/var/lib/postgresql/pgaf'];
        svc(c, 'shard-0-b')['volumes'] = [];
      });
      assertBites(problems, /shard-1-a and shard-1-b share volume shard-1-a-data/);
      assertBites(problems, /shard-0-b has no volume/);
    });
    it('a formations job that forgets a shard', () => {
      assertBites(
        mutated((c) => {
          svc(c, 'shard-formations')['command'] = ['formations', 'shard-0'];
        }),
        /shard-formations does not create formation shard-1/,
      );
    });
    it('a node that does not wait for the monitor or the formations', () => {
      const problems = mutated((c) => {
        delete deps(c, 'shard-0-b')['shard-monitor'];
        deps(c, 'shard-1-a')['shard-formations'] = { condition: 'service_started' };
      });
      assertBites(problems, /shard-0-b must depend on shard-monitor with condition service_healthy/);
      assertBites(problems, /shard-1-a must depend on shard-formations with condition service_completed/);
    });
    it('a node that points at another monitor', () => {
      assertBites(
        mutated((c) => {
          env(c, 'shard-0-a')['PGAF_MONITOR'] = 'postgres://autoctl_node@monitor:5432/pg_auto_failover';
        }),
        /shard-0-a: PGAF_MONITOR names monitor:5432, the monitor is shard-monitor:5432/,
      );
    });
    it('the platform not waiting for a node', () => {
      const problems = mutated((c) => {
        delete deps(c, 'api')['shard-1-b'];
        delete deps(c, 'migrate')['shard-0-a'];
      });
      assertBites(problems, /api must wait for shard-1-b to be healthy/);
      assertBites(problems, /migrate must wait for shard-0-a to be healthy/);
    });
    it('migrate extending (not replacing) the wait for the single-server shards', () => {
      const text = haText.replace('depends_on: !override', 'depends_on:');
      assert.notEqual(text, haText);
      const c = parseComposeFiles([baseText, text]).compose;
      assertBites(checkStartupOrder(c, base), /migrate depends_on shard-0, which its profiles leave off/);
    });
    it('the single-server shards left on', () => {
      const problems = mutated((c) => {
        delete svc(c, 'shard-1')['profiles'];
      });
      assertBites(problems, /single-server shard shard-1 still starts/);
    });
    it('a node built from another image', () => {
      const problems = mutated((c) => {
        svc(c, 'shard-0-b')['build'] = '.';
      });
      assertBites(problems, /shard-0-b is not built from docker\/pg-auto-failover.Dockerfile/);
    });
    it('an image without a package, or an entrypoint without the flags', () => {
      const problems = checkImage(
        compose,
        dockerfile.replace(' postgresql-15-auto-failover', '').replace('USER postgres', 'USER root'),
        script.replaceAll('--no-ssl', '--ssl-self-signed').replace('DBNAME=orders', 'DBNAME=shop'),
      );
      assertBites(problems, /does not install postgresql-15-auto-failover/);
      assertBites(problems, /USER postgres/);
      assertBites(problems, /does not create the monitor with --auth trust --no-ssl/);
      assertBites(problems, /does not use database orders/);
    });
  });

  describe('the merge follows compose', () => {
    const merge = (a: string, b: string) =>
      parseComposeFiles([`services:\n  s:\n${a}`, `services:\n  s:\n${b}`]).compose.services['s'];
    it('maps merge key by key, command and healthcheck.test are replaced, sequences appended', () => {
      assert.deepEqual(
        merge(
          '    command: [a, b]\n    environment: [X=1, Y=2]\n    healthcheck: {test: [CMD, a], interval: 5s}\n    dns: [1.1.1.1]\n',
          '    command: [c]\n    environment: {Y: "3"}\n    healthcheck: {test: [CMD, b]}\n    dns: [8.8.8.8]\n',
        ),
        {
          command: ['c'],
          environment: { X: '1', Y: '3' },
          healthcheck: { test: ['CMD', 'b'], interval: '5s' },
          dns: ['1.1.1.1', '8.8.8.8'],
        },
      );
    });
    it('volumes are unique by target, ports appended; !override replaces, !reset removes', () => {
      assert.deepEqual(
        merge(
          '    volumes: [a:/data, ./b:/b:ro]\n    ports: ["1:1"]\n    depends_on: {x: {condition: service_healthy}}\n    expose: ["1"]\n',
          '    volumes: [c:/data]\n    ports: ["2:2"]\n    depends_on: !override {y: {condition: service_started}}\n    expose: !reset []\n',
        ),
        {
          volumes: ['./b:/b:ro', 'c:/data'],
          ports: ['1:1', '2:2'],
          depends_on: { y: { condition: 'service_started' } },
        },
      );
    });
    it('leaves its inputs alone', () => {
      const a = { services: { s: { environment: { X: '1' } } } };
      mergeCompose(a, { services: { s: { environment: { X: '2' } } } });
      assert.deepEqual(a, { services: { s: { environment: { X: '1' } } } });
    });
  });
});
