/**
 * ops/prometheus with promtool: the config and the alert rules are valid, the rules' unit tests pass, every
 * dashboard query is valid PromQL, and the unit tests bite (a flipped expectation or a moved threshold fails).
 * Without promtool this fails, never skips.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { metricReferences } from '../../ops/metric-references.js';
import { assertPromtoolOk, promtool } from './promtool.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const PROMETHEUS_DIR = path.join(ROOT, 'ops', 'prometheus');
const RULES = 'alerts.yml';
const RULE_TESTS = 'alerts.test.yml';

interface RuleTestFile {
  tests: { name: string; alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[];
}

/** A scratch copy of ops/prometheus; `edit` may rewrite its files before promtool runs there. */
function inScratchCopy<T>(edit: (dir: string) => void, run: (dir: string) => T): T {
  const dir = mkdtempSync(path.join(tmpdir(), 'prometheus-rules-test-'));
  try {
    for (const file of [RULES, RULE_TESTS])
      copyFileSync(path.join(PROMETHEUS_DIR, file), path.join(dir, file));
    edit(dir);
    return run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('ops/prometheus (promtool)', () => {
  it('prometheus.yml is a valid config whose rule_files resolve', () => {
    assertPromtoolOk(
      promtool(['check', 'config', 'prometheus.yml'], PROMETHEUS_DIR),
      'promtool check config',
    );
  });

  it('alerts.yml holds valid rules', () => {
    assertPromtoolOk(promtool(['check', 'rules', RULES], PROMETHEUS_DIR), 'promtool check rules');
  });

  it('every alert rule has a firing and a silent unit test, and they pass', () => {
    const rules = parse(readFileSync(path.join(PROMETHEUS_DIR, RULES), 'utf8')) as {
      groups: { rules: { alert: string }[] }[];
    };
    const tests = parse(readFileSync(path.join(PROMETHEUS_DIR, RULE_TESTS), 'utf8')) as RuleTestFile;
    const cases = tests.tests.flatMap((t) => t.alert_rule_test);
    const missing: string[] = [];
    for (const { alert } of rules.groups.flatMap((g) => g.rules)) {
      const ofAlert = cases.filter((c) => c.alertname === alert);
      if (!ofAlert.some((c) => c.exp_alerts.length > 0)) missing.push(`${alert}: no case that fires it`);
      if (!ofAlert.some((c) => c.exp_alerts.length === 0)) missing.push(`${alert}: no case that spares it`);
    }
    assert.deepEqual(missing, []);
    assertPromtoolOk(promtool(['test', 'rules', RULE_TESTS], PROMETHEUS_DIR), 'promtool test rules');
  });

  it('every dashboard query is valid PromQL', () => {
    const queries = metricReferences(ROOT).filter((r) => r.file.endsWith('.json'));
    assert.ok(queries.length > 20, `only ${queries.length} dashboard queries found`);
    const asRules = {
      groups: [
        {
          name: 'dashboard-queries',
          rules: queries.map((q, i) => ({
            record: `dashboard:query_${i}`,
            expr: q.expr.replaceAll('$__rate_interval', '1m'),
          })),
        },
      ],
    };
    inScratchCopy(
      (dir) => writeFileSync(path.join(dir, 'dashboard-queries.yml'), stringify(asRules)),
      (dir) =>
        assertPromtoolOk(promtool(['check', 'rules', 'dashboard-queries.yml'], dir), 'dashboard queries'),
    );
  });

  describe('the unit tests bite', () => {
    it('a firing expectation turned into "fires nothing" fails', () => {
      const run = inScratchCopy(
        (dir) => {
          const file = path.join(dir, RULE_TESTS);
          const tests = parse(readFileSync(file, 'utf8')) as RuleTestFile;
          const firing = tests.tests.flatMap((t) => t.alert_rule_test).find((c) => c.exp_alerts.length > 0);
          assert.ok(firing, 'a firing case');
          firing.exp_alerts = [];
          writeFileSync(file, stringify(tests));
        },
        (dir) => promtool(['test', 'rules', RULE_TESTS], dir),
      );
      assert.notEqual(run.status, 0, run.output);
      assert.match(run.output, /FAILED/);
    });

    it('the 5xx threshold moved from 1% to 5% fails the case that 2% fires', () => {
      const run = inScratchCopy(
        (dir) => {
          const file = path.join(dir, RULES);
          const text = readFileSync(file, 'utf8');
          const moved = text.replace(
            '/ sum(rate(http_requests_total{job="api"}[5m])) > 0.01',
            '/ sum(rate(http_requests_total{job="api"}[5m])) > 0.05',
          );
          assert.notEqual(moved, text, 'the 5xx rule expression was found');
          writeFileSync(file, moved);
        },
        (dir) => promtool(['test', 'rules', RULE_TESTS], dir),
      );
      assert.notEqual(run.status, 0, run.output);
      assert.match(run.output, /2% of requests answering 5xx fires/);
    });
  });
});
