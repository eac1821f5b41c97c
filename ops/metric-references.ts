/**
 * The metric names the operator side relies on: every name a Grafana dashboard query or a Prometheus alert
 * rule references, exactly as a scrape shows it (`http_request_duration_seconds_bucket`, not the histogram's
 * base name). A live scrape of the platform must show each of them, except those that only appear once
 * something failed (APPEAR_ONLY_AFTER_FAILURE).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DASHBOARD_DIR = 'ops/grafana/dashboards';
export const ALERT_RULES_FILE = 'ops/prometheus/alerts.yml';

/**
 * Counters the exporters only create on their first increment, and that a healthy system never increments:
 * absent from a scrape of a fresh platform, present once a request, task or activity failed, or a version
 * race was lost.
 */
export const APPEAR_ONLY_AFTER_FAILURE: readonly string[] = [
  'temporal_request_failure_total',
  'temporal_workflow_task_execution_failed_total',
  'temporal_activity_execution_failed_total',
  'db_version_races_lost_total',
];

/** Series Prometheus makes itself: never on a target's /metrics. */
const SYNTHESIZED = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped']);

/** PromQL words that look like identifiers but name no metric. */
const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'offset',
  'bool',
  'inf',
  'nan',
  'atan2',
]);

/** Removes quoted strings (all three PromQL quotes), honouring backslash escapes. */
function withoutStrings(expr: string): string {
  return expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');
}

/**
 * The metric names one PromQL expression selects: identifiers that are neither functions or aggregations
 * (followed by `(`), keywords, label names (inside `{…}` or a `by`/`on`… list), durations nor numbers;
 * plus any `__name__="…"` matcher. Grafana variables (`$__rate_interval`) are ignored.
 */
export function metricNamesIn(expr: string): string[] {
  const names = new Set<string>();
  for (const m of expr.matchAll(/__name__\s*=\s*"([a-zA-Z_:][a-zA-Z0-9_:]*)"/g)) names.add(m[1]!);
  const code = withoutStrings(expr)
    .replace(/\{[^}]*\}/g, ' ') // label matchers
    .replace(/\[[^\]]*\]/g, ' ') // range and subquery windows
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ') // label lists
    .replace(/\boffset\s+-?[0-9a-z]+/g, ' ')
    .replace(/\$\{?[A-Za-z0-9_]+\}?/g, ' '); // Grafana variables
  const token = /(\d*\.?\d+(?:[eE][+-]?\d+)?)|([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g;
  for (const m of code.matchAll(token)) {
    const [, number, identifier, call] = m;
    if (number !== undefined || identifier === undefined || call !== undefined) continue;
    if (KEYWORDS.has(identifier.toLowerCase()) || SYNTHESIZED.has(identifier)) continue;
    names.add(identifier);
  }
  return [...names].sort();
}

/** One query or rule and the metric names it references. */
export interface MetricReference {
  /** Repository path of the file. */
  file: string;
  /** Alert name, or the dashboard panel's title. */
  where: string;
  expr: string;
  names: string[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function dashboardReferences(file: string, json: unknown): MetricReference[] {
  const out: MetricReference[] = [];
  const visit = (panel: unknown) => {
    if (!isRecord(panel)) return;
    const targets = Array.isArray(panel['targets']) ? panel['targets'] : [];
    for (const t of targets) {
      if (isRecord(t) && typeof t['expr'] === 'string') {
        const expr = t['expr'];
        out.push({ file, where: String(panel['title'] ?? '?'), expr, names: metricNamesIn(expr) });
      }
    }
    if (Array.isArray(panel['panels'])) panel['panels'].forEach(visit);
  };
  if (isRecord(json) && Array.isArray(json['panels'])) json['panels'].forEach(visit);
  return out;
}

function ruleReferences(file: string, doc: unknown): MetricReference[] {
  const out: MetricReference[] = [];
  const groups = isRecord(doc) && Array.isArray(doc['groups']) ? doc['groups'] : [];
  for (const group of groups) {
    const rules = isRecord(group) && Array.isArray(group['rules']) ? group['rules'] : [];
    for (const rule of rules) {
      if (!isRecord(rule) || typeof rule['expr'] !== 'string') continue;
      const where = String(rule['alert'] ?? rule['record'] ?? '?');
      out.push({ file, where, expr: rule['expr'], names: metricNamesIn(rule['expr']) });
    }
  }
  return out;
}

/** Every query of every dashboard JSON and every alert rule, with the metric names each references. */
export function metricReferences(root: string = ROOT): MetricReference[] {
  const refs: MetricReference[] = [];
  const dir = path.join(root, DASHBOARD_DIR);
  for (const name of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const file = `${DASHBOARD_DIR}/${name}`;
    refs.push(...dashboardReferences(file, JSON.parse(readFileSync(path.join(dir, name), 'utf8'))));
  }
  refs.push(
    ...ruleReferences(ALERT_RULES_FILE, parse(readFileSync(path.join(root, ALERT_RULES_FILE), 'utf8'))),
  );
  return refs;
}

/** The set of metric names the dashboards and alert rules reference, as a scrape would show them. */
export function referencedMetricNames(root: string = ROOT): Set<string> {
  return new Set(metricReferences(root).flatMap((r) => r.names));
}
