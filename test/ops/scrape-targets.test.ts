/**
 * ops/prometheus/prometheus.yml against docker-compose.yml: each job scrapes the compose service on the port
 * the service's environment gives its /metrics, on an address other containers reach. Pure checks: the
 * real files give no problem, a mutated copy at least one.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { ENV_VARS } from '../../config/env.js';
import {
  assertBites,
  type Compose,
  clone,
  envOf,
  type Problems,
  parseCompose,
  scalar,
} from '../support/compose-file.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const TEMPORAL_SERVER_IMAGE = 'temporalio/server:';
/** The Temporal server's own default (config/temporal/cluster.yaml). */
const TEMPORAL_METRICS_DEFAULT = '9090';

interface ScrapeConfig {
  job_name: string;
  metrics_path?: string;
  static_configs: { targets: string[] }[];
}
interface PrometheusConfig {
  global: { scrape_interval: string };
  scrape_configs: ScrapeConfig[];
}

const defaultOf = (name: string) => ENV_VARS.find((v) => v.name === name)?.default;

/** The port each job's targets must use, per compose service. */
function expectedTargets(c: Compose): Record<string, string[]> {
  const port = (service: string, variable: string) =>
    envOf(c.services[service])[variable] ?? defaultOf(variable) ?? '<unset>';
  const temporal = Object.entries(c.services)
    .filter(([, svc]) => (scalar(svc['image']) ?? '').startsWith(TEMPORAL_SERVER_IMAGE))
    .map(([name, svc]) => `${name}:${envOf(svc)['TEMPORAL_METRICS_PORT'] ?? TEMPORAL_METRICS_DEFAULT}`);
  return {
    api: [`api:${port('api', 'API_PORT')}`],
    'order-worker': [`order-worker:${port('order-worker', 'ORDER_WORKER_METRICS_PORT')}`],
    'warehouse-worker': [`warehouse-worker:${port('warehouse-worker', 'WAREHOUSE_WORKER_METRICS_PORT')}`],
    temporal: temporal.sort(),
  };
}

function checkScrapeTargets(prometheus: PrometheusConfig, c: Compose): Problems {
  const problems: Problems = [];
  if (prometheus.global.scrape_interval !== '15s')
    problems.push(`scrape_interval is ${prometheus.global.scrape_interval}, expected 15s`);
  const jobs = new Map(prometheus.scrape_configs.map((s) => [s.job_name, s]));
  for (const [job, want] of Object.entries(expectedTargets(c))) {
    const scrape = jobs.get(job);
    if (scrape === undefined) {
      problems.push(`no scrape job ${job}`);
      continue;
    }
    const got = scrape.static_configs.flatMap((s) => s.targets).sort();
    if (JSON.stringify(got) !== JSON.stringify(want))
      problems.push(`job ${job} scrapes ${got.join(', ')}; compose serves ${want.join(', ')}`);
    if ((scrape.metrics_path ?? '/metrics') !== '/metrics') problems.push(`job ${job} is not on /metrics`);
  }
  for (const worker of ['order-worker', 'warehouse-worker']) {
    const host = envOf(c.services[worker])['METRICS_HOST'] ?? defaultOf('METRICS_HOST');
    if (host !== '0.0.0.0')
      problems.push(`${worker}: METRICS_HOST ${host} is unreachable from other containers`);
  }
  for (const [name, svc] of Object.entries(c.services)) {
    if (!(scalar(svc['image']) ?? '').startsWith(TEMPORAL_SERVER_IMAGE)) continue;
    if (envOf(svc)['TEMPORAL_BIND_IP'] !== '0.0.0.0')
      problems.push(`${name}: TEMPORAL_BIND_IP must be 0.0.0.0 for its metrics to be scraped`);
  }
  if (c.services['prometheus'] === undefined) problems.push('no prometheus service');
  if (c.services['grafana'] === undefined) problems.push('no grafana service');
  return problems;
}

const prometheus = parse(
  readFileSync(path.join(ROOT, 'ops/prometheus/prometheus.yml'), 'utf8'),
) as PrometheusConfig;
const compose = parseCompose(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8')).compose;

describe('ops/prometheus/prometheus.yml against docker-compose.yml', () => {
  it('scrapes the api, both workers and every Temporal service where compose serves their metrics', () => {
    assert.deepEqual(checkScrapeTargets(prometheus, compose), []);
  });

  it('bites: a worker metrics port changed in compose only, and a worker on loopback', () => {
    const c = clone(compose);
    const env = c.services['order-worker']?.['environment'] as Record<string, unknown>;
    env['ORDER_WORKER_METRICS_PORT'] = '9999';
    env['METRICS_HOST'] = '127.0.0.1';
    const problems = checkScrapeTargets(prometheus, c);
    assertBites(problems, /job order-worker scrapes order-worker:9464; compose serves order-worker:9999/);
    assertBites(problems, /order-worker: METRICS_HOST 127\.0\.0\.1/);
  });

  it('bites: a Temporal service missing from the temporal job', () => {
    const c = clone(compose);
    c.services['temporal-history-3'] = structuredClone(c.services['temporal-history-2']!);
    assertBites(checkScrapeTargets(prometheus, c), /job temporal scrapes .*temporal-history-3:9090/);
  });
});
