/**
 * docker-compose.yml's Temporal services, checked without a Docker engine: the server image (one container
 * per service) on its own PostgreSQL, its schema applied by a one-shot admin-tools job before the server starts, the
 * namespace registered by another one-shot before the search attributes, and the platform started
 * only after all of them succeeded. Each check returns problems; the real file gives none and a
 * mutated copy at least one.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  assertBites,
  type Compose,
  clone,
  dependsOn,
  envOf,
  healthcheckText,
  type Problems,
  parseCompose,
  restartPolicy,
  type Service,
  scalar,
  scriptOf,
} from './support/compose-file.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const DB_SERVICE = 'temporal-db';
const SCHEMA_JOB = 'temporal-schema';
const SERVER = 'temporal';
const NAMESPACE_JOB = 'temporal-namespace';
const SEARCH_ATTRIBUTES_JOB = 'search-attributes';
const UI = 'temporal-ui';
const APP_SERVICES = ['api', 'order-worker', 'warehouse-worker'];
/** Databases the server's SQL config names, and the schema directory each takes. */
const DATABASES = { temporal: 'temporal', temporal_visibility: 'visibility' };

const SERVER_IMAGE = /^temporalio\/server:(\d+\.\d+\.\d+)$/;
const ADMIN_TOOLS_IMAGE = /^temporalio\/admin-tools:(\d+\.\d+\.\d+)(-.+)?$/;

const image = (svc: Service | undefined) => scalar(svc?.['image']) ?? '';

const scriptOfJob = (svc: Service | undefined) => scriptOf(svc, ROOT);

function needs(c: Compose, service: string, dep: string, condition: string): Problems {
  return dependsOn(c.services[service])[dep] === condition
    ? []
    : [`${service} must depend on ${dep} with condition ${condition}`];
}

function checkVersions(c: Compose): Problems {
  const problems: Problems = [];
  const server = SERVER_IMAGE.exec(image(c.services[SERVER]));
  if (!server)
    return [`${SERVER} must run the temporalio/server image, pinned (got "${image(c.services[SERVER])}")`];
  for (const [name, svc] of Object.entries(c.services)) {
    const tools = ADMIN_TOOLS_IMAGE.exec(image(svc));
    if (image(svc).startsWith('temporalio/admin-tools') && tools?.[1] !== server[1]) {
      problems.push(`${name}: admin-tools ${image(svc)} is not the build for server ${server[1]}`);
    }
  }
  if (!/^temporalio\/ui:\d+\.\d+\.\d+$/.test(image(c.services[UI])))
    problems.push(`${UI} must pin its version`);
  return problems;
}

function checkSchemaJob(c: Compose): Problems {
  const job = c.services[SCHEMA_JOB];
  if (job === undefined) return [`service ${SCHEMA_JOB} is missing`];
  const problems: Problems = [...needs(c, SCHEMA_JOB, DB_SERVICE, 'service_healthy')];
  if (!ADMIN_TOOLS_IMAGE.test(image(job))) problems.push(`${SCHEMA_JOB} must use the admin-tools image`);
  if (restartPolicy(job) !== 'no') problems.push(`${SCHEMA_JOB} is one-shot: restart "no"`);
  const script = scriptOfJob(job);
  if (!script.includes('temporal-sql-tool')) problems.push(`${SCHEMA_JOB} never runs temporal-sql-tool`);
  for (const step of ['create', 'setup-schema', 'update-schema']) {
    if (!new RegExp(`\\b${step}\\b`).test(script)) problems.push(`${SCHEMA_JOB} never runs ${step}`);
  }
  for (const [db, dir] of Object.entries(DATABASES)) {
    if (!new RegExp(`\\b${db}\\b`).test(script))
      problems.push(`${SCHEMA_JOB} does not set up database ${db}`);
    if (!new RegExp(`\\b${dir}\\b`).test(script))
      problems.push(`${SCHEMA_JOB} does not apply the ${dir} schema`);
  }
  return problems;
}

/** The server's variable for Temporal's database, and the schema job's name for the same setting. */
const SERVER_DB_VARS: Readonly<Record<string, string>> = {
  TEMPORAL_DB_HOST: 'POSTGRES_SEEDS',
  TEMPORAL_DB_PORT: 'DB_PORT',
  TEMPORAL_DB_USER: 'POSTGRES_USER',
  TEMPORAL_DB_PASSWORD: 'POSTGRES_PWD',
};

/** Every Temporal service container: after the schema job, on the database the job set up. */
function checkServer(c: Compose): Problems {
  const server = c.services[SERVER];
  if (server === undefined) return [`service ${SERVER} is missing`];
  const jobEnv = envOf(c.services[SCHEMA_JOB]);
  const dbEnv = envOf(c.services[DB_SERVICE]);
  const problems: Problems = [];
  const services = Object.entries(c.services).filter(([, svc]) =>
    (scalar(svc['image']) ?? '').startsWith('temporalio/server:'),
  );
  for (const [name, svc] of services) {
    problems.push(...needs(c, name, SCHEMA_JOB, 'service_completed_successfully'));
    const serverEnv = envOf(svc);
    for (const [serverVar, jobVar] of Object.entries(SERVER_DB_VARS)) {
      if (serverEnv[serverVar] === undefined) problems.push(`${name}: ${serverVar} is not set`);
      else if (serverEnv[serverVar] !== jobEnv[jobVar])
        problems.push(`${name} and ${SCHEMA_JOB} disagree on ${serverVar} (${jobVar})`);
    }
    if (serverEnv['TEMPORAL_DB_HOST'] !== DB_SERVICE)
      problems.push(`${name}: TEMPORAL_DB_HOST must be ${DB_SERVICE}`);
    if (
      serverEnv['TEMPORAL_DB_USER'] !== dbEnv['POSTGRES_USER'] ||
      serverEnv['TEMPORAL_DB_PASSWORD'] !== dbEnv['POSTGRES_PASSWORD']
    ) {
      problems.push(`${name}: credentials differ from ${DB_SERVICE}'s`);
    }
  }
  if (healthcheckText(server) === undefined) problems.push(`${SERVER} needs a healthcheck`);
  return problems;
}

function checkNamespaceJob(c: Compose): Problems {
  const job = c.services[NAMESPACE_JOB];
  if (job === undefined) return [`service ${NAMESPACE_JOB} is missing`];
  const problems: Problems = [...needs(c, NAMESPACE_JOB, SERVER, 'service_healthy')];
  if (restartPolicy(job) !== 'no') problems.push(`${NAMESPACE_JOB} is one-shot: restart "no"`);
  if (!/temporal\b.*operator namespace create/.test(scriptOfJob(job).replace(/\s+/g, ' '))) {
    problems.push(`${NAMESPACE_JOB} never runs temporal operator namespace create`);
  }
  const wanted = envOf(c.services['api'])['TEMPORAL_NAMESPACE'] ?? 'default';
  if ((envOf(job)['TEMPORAL_NAMESPACE'] ?? 'default') !== wanted) {
    problems.push(`${NAMESPACE_JOB} registers another namespace than the platform uses (${wanted})`);
  }
  return problems;
}

function checkOrder(c: Compose): Problems {
  const problems = needs(c, SEARCH_ATTRIBUTES_JOB, NAMESPACE_JOB, 'service_completed_successfully');
  for (const app of APP_SERVICES) {
    for (const job of [SCHEMA_JOB, NAMESPACE_JOB, SEARCH_ATTRIBUTES_JOB]) {
      problems.push(...needs(c, app, job, 'service_completed_successfully'));
    }
  }
  return problems;
}

const ALL_CHECKS = [checkVersions, checkSchemaJob, checkServer, checkNamespaceJob, checkOrder];
const compose = parseCompose(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8')).compose;

function mutated(change: (c: Compose) => void): Problems {
  const copy = clone(compose);
  change(copy);
  return ALL_CHECKS.flatMap((check) => check(copy));
}

const svc = (c: Compose, name: string) => c.services[name] as Service;
const env = (c: Compose, name: string) => svc(c, name)['environment'] as Record<string, unknown>;
const deps = (c: Compose, name: string) => svc(c, name)['depends_on'] as Record<string, unknown>;

describe('docker-compose.yml: Temporal', () => {
  for (const check of ALL_CHECKS) {
    it(`the real file passes ${check.name}`, () => assert.deepEqual(check(compose), []));
  }

  describe('the checks bite', () => {
    it('the deprecated auto-setup image', () => {
      assertBites(
        mutated((c) => {
          svc(c, SERVER)['image'] = 'temporalio/auto-setup:1.29.1';
        }),
        /temporalio\/server/,
      );
    });
    it('admin-tools of another server version', () => {
      assertBites(
        mutated((c) => {
          svc(c, SCHEMA_JOB)['image'] = 'temporalio/admin-tools:1.28.0-tctl-1.18.4-cli-1.4.0';
        }),
        /not the build for server/,
      );
    });
    it('an unpinned UI', () => {
      assertBites(
        mutated((c) => {
          svc(c, UI)['image'] = 'temporalio/ui:latest';
        }),
        /pin/,
      );
    });
    it('the server starting before the schema job succeeded', () => {
      assertBites(
        mutated((c) => {
          deps(c, SERVER)[SCHEMA_JOB] = { condition: 'service_started' };
        }),
        /temporal must depend on temporal-schema/,
      );
    });
    it('the schema job without the visibility database', () => {
      assertBites(
        mutated((c) => {
          const job = svc(c, SCHEMA_JOB);
          job['volumes'] = [];
          job['entrypoint'] = [
            'temporal-sql-tool',
            '--db',
            'temporal',
            'create',
            'setup-schema',
            'update-schema',
          ];
        }),
        /temporal_visibility/,
      );
    });
    it('the schema job running no schema tool', () => {
      assertBites(
        mutated((c) => {
          svc(c, SCHEMA_JOB)['volumes'] = [];
          svc(c, SCHEMA_JOB)['entrypoint'] = ['true'];
        }),
        /temporal-sql-tool/,
      );
    });
    it('a restarting schema job', () => {
      assertBites(
        mutated((c) => {
          svc(c, SCHEMA_JOB)['restart'] = 'on-failure';
        }),
        /one-shot/,
      );
    });
    it('server and schema job on different database credentials', () => {
      assertBites(
        mutated((c) => {
          env(c, SCHEMA_JOB)['POSTGRES_PWD'] = 'other';
        }),
        /disagree on TEMPORAL_DB_PASSWORD \(POSTGRES_PWD\)/,
      );
    });
    it('the server pointed at another database host', () => {
      assertBites(
        mutated((c) => {
          env(c, SERVER)['TEMPORAL_DB_HOST'] = 'shard-0';
          env(c, SCHEMA_JOB)['POSTGRES_SEEDS'] = 'shard-0';
        }),
        /temporal: TEMPORAL_DB_HOST must be temporal-db/,
      );
    });
    it('a namespace job for another namespace', () => {
      assertBites(
        mutated((c) => {
          env(c, NAMESPACE_JOB)['TEMPORAL_NAMESPACE'] = 'elsewhere';
        }),
        /another namespace/,
      );
    });
    it('search attributes registered before the namespace exists', () => {
      assertBites(
        mutated((c) => {
          delete deps(c, SEARCH_ATTRIBUTES_JOB)[NAMESPACE_JOB];
        }),
        /search-attributes must depend on temporal-namespace/,
      );
    });
    it('the api starting before the schema job succeeded', () => {
      assertBites(
        mutated((c) => {
          delete deps(c, 'api')[SCHEMA_JOB];
        }),
        /api must depend on temporal-schema/,
      );
    });
  });
});
