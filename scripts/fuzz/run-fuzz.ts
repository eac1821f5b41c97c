/**
 * `npm run fuzz [-- --max-examples N] [--minutes M] [--min-cases N] [--seed S] [--ttl S] [--grace S]`:
 * schemathesis against the API's own /openapi.json, on a stack of its own (free loopback ports, a
 * throwaway data directory), once with a shopper token and once with an operator token, with hostile
 * text (NUL, lone surrogates, invalid UTF-8) in strings everywhere (scripts/fuzz/hooks.py). Fails on any
 * 5xx, on a run with fewer than --min-cases cases, and on any order still waiting on a deadline that
 * passed (scripts/fuzz/deadline-check.ts). Prints a summary; exits non-zero on any failure.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readVar } from '../../config/env.js';
import { projectPath } from '../lib/project-paths.js';
import { ShopperClient } from '../lib/shopper-client.js';
import { checkDeadlines, type DeadlineReport } from './deadline-check.js';
import { type RecordSummary, readRecord, summarize } from './fuzz-record.js';
import { type FuzzStack, startFuzzStack } from './fuzz-stack.js';
import { ensureSchemathesis, runSchemathesis, type SchemathesisOutcome } from './schemathesis.js';

const USAGE =
  'usage: npm run fuzz -- [--max-examples N] [--minutes M] [--min-cases N] [--seed S] [--ttl SECONDS] [--grace SECONDS]';
const PROGRESS_EVERY_MS = 10_000;

const say = (message: string) => console.log(`[fuzz] ${message}`);

function options() {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      'max-examples': { type: 'string', default: '100' },
      minutes: { type: 'string' },
      'min-cases': { type: 'string', default: '1000' },
      seed: { type: 'string' },
      ttl: { type: 'string', default: '20' },
      grace: { type: 'string', default: '30' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const positive = (name: string, raw: string | undefined): number => {
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number\n${USAGE}`);
    return n;
  };
  return {
    maxExamples: Math.round(positive('max-examples', values['max-examples'])),
    minutes: values.minutes === undefined ? undefined : positive('minutes', values.minutes),
    minCases: Math.round(positive('min-cases', values['min-cases'])),
    seed: values.seed === undefined ? undefined : Math.round(positive('seed', values.seed)),
    ttlSeconds: Math.round(positive('ttl', values.ttl)),
    graceSeconds: Math.round(positive('grace', values.grace)),
  };
}

interface TokenRun {
  label: string;
  outcome: SchemathesisOutcome;
  summary: RecordSummary;
}

async function idsOf(api: ShopperClient, url: string, list: string, key: string): Promise<string[]> {
  const { status, body } = await api.call('GET', url);
  if (status !== 200) throw new Error(`GET ${url} answered ${status}`);
  const rows = (Array.isArray(body) ? body : (body?.[list] ?? [])) as Record<string, unknown>[];
  return rows.map((row) => String(row[key]));
}

/** A bearer token as `npm run token` mints it, with the stack's secret. */
function mintToken(args: string[], env: NodeJS.ProcessEnv): string {
  const script = projectPath('scripts', 'mint-token.ts');
  return execFileSync(process.execPath, ['--import', 'tsx', script, ...args], {
    env,
    encoding: 'utf8',
  }).trim();
}

function progressReporter(label: string, recordFile: string) {
  let last = 0;
  return setInterval(() => {
    const summary = summarize(readRecord(recordFile));
    if (summary.cases === last) return;
    last = summary.cases;
    say(`${label}: ${summary.cases} cases so far, ${summary.serverErrors.length} 5xx`);
  }, PROGRESS_EVERY_MS);
}

function logExcerpt(logFile: string, requestId: string | null): string[] {
  if (!requestId || !fs.existsSync(logFile)) return [];
  return fs
    .readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((line) => line.includes(requestId))
    .slice(0, 10);
}

function report(runs: TokenRun[], deadlines: DeadlineReport | undefined, minCases: number, logFile: string) {
  const failures: string[] = [];
  console.log('\n==================== fuzz summary ====================');
  for (const { label, outcome, summary } of runs) {
    const hostile = Object.entries(summary.hostile)
      .map(([kind, n]) => `${kind} ${n}`)
      .join(', ');
    console.log(
      `${label.padEnd(9)} ${summary.cases} cases (hostile text: ${hostile || 'none'}), ` +
        `${summary.serverErrors.length} 5xx, schemathesis exit ${outcome.exitCode}${outcome.timedOut ? ' (stopped by the watchdog)' : ''}`,
    );
    if (summary.cases < minCases) failures.push(`${label}: ${summary.cases} cases, fewer than ${minCases}`);
    if (summary.serverErrors.length > 0) failures.push(`${label}: ${summary.serverErrors.length} 5xx`);
    if (outcome.exitCode !== 0) failures.push(`${label}: schemathesis exited ${outcome.exitCode}`);
    for (const error of summary.serverErrors.slice(0, 10)) {
      console.log(`  5xx ${error.status} ${error.operation}: ${error.request?.method} ${error.request?.url}`);
      console.log(`      body     ${error.request?.body.slice(0, 500)}`);
      console.log(`      response ${error.response?.slice(0, 500)}`);
      for (const line of logExcerpt(logFile, error.requestId))
        console.log(`      log      ${line.slice(0, 500)}`);
    }
  }
  if (deadlines) {
    const statuses = Object.entries(deadlines.byStatus)
      .map(([status, n]) => `${status} ${n}`)
      .join(', ');
    console.log(`orders    ${deadlines.ordersChecked} checked (${statuses || 'none'})`);
    console.log(
      `          ${deadlines.stuckOrders.length} non-terminal past deadline, ` +
        `${deadlines.heldReservations.length} reservations held past expiry, ` +
        `${deadlines.stuckWorkflows.length} of ${deadlines.workflowsChecked} older running order workflows not placed`,
    );
    for (const order of deadlines.stuckOrders.slice(0, 10))
      console.log(`  stuck order ${JSON.stringify(order)}`);
    for (const held of deadlines.heldReservations.slice(0, 10)) console.log(`  held ${JSON.stringify(held)}`);
    for (const wf of deadlines.stuckWorkflows.slice(0, 10))
      console.log(`  stuck workflow ${JSON.stringify(wf)}`);
    if (deadlines.stuckOrders.length > 0)
      failures.push(`${deadlines.stuckOrders.length} orders past deadline`);
    if (deadlines.heldReservations.length > 0) {
      failures.push(`${deadlines.heldReservations.length} reservations held past expiry`);
    }
    if (deadlines.stuckWorkflows.length > 0)
      failures.push(`${deadlines.stuckWorkflows.length} stuck workflows`);
  } else {
    failures.push('the deadline check did not run');
  }
  console.log(failures.length === 0 ? 'PASSED' : `FAILED: ${failures.join('; ')}`);
  console.log(`stack log: ${path.relative(projectPath(), logFile)}`);
  return failures.length === 0;
}

async function main(): Promise<boolean> {
  const opts = options();
  const outDir = projectPath('.tmp', `fuzz-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  fs.mkdirSync(outDir, { recursive: true });
  const logFile = path.join(outDir, 'stack.log');
  const schemathesis = ensureSchemathesis(say);
  say(
    `starting the platform (reservation TTL ${opts.ttlSeconds} s); its log: ${path.relative(projectPath(), logFile)}`,
  );
  const started = Date.now();
  const stack: FuzzStack = await startFuzzStack({
    reservationTtlSeconds: opts.ttlSeconds,
    seedItems: 60,
    logFile,
  });
  const runs: TokenRun[] = [];
  let deadlines: DeadlineReport | undefined;
  try {
    say(`platform ready in ${((Date.now() - started) / 1000).toFixed(0)} s at ${stack.apiUrl}`);
    const tokens = {
      shopper: mintToken(['c-fuzz-shopper'], stack.env),
      operator: mintToken(['ops-fuzz', '--operator'], stack.env),
    };
    const shopper = new ShopperClient(stack.apiUrl, tokens.shopper);
    const operator = new ShopperClient(stack.apiUrl, tokens.operator);
    const itemIds = await idsOf(shopper, '/items?limit=100', 'items', 'itemId');
    const warehouseIds = await idsOf(operator, '/admin/warehouses', 'warehouses', 'warehouseId');
    const budget = opts.minutes ? Math.round(opts.minutes * 60) : undefined;
    for (const label of ['shopper', 'operator'] as const) {
      const recordFile = path.join(outDir, `${label}.ndjson`);
      say(
        `${label}: schemathesis, --max-examples ${opts.maxExamples}${budget ? `, --max-time ${budget}` : ''}`,
      );
      const ticker = progressReporter(label, recordFile);
      const outcome = await runSchemathesis(
        schemathesis,
        {
          label,
          token: tokens[label],
          apiUrl: stack.apiUrl,
          maxExamples: opts.maxExamples,
          maxTimeSeconds: budget,
          seed: opts.seed,
          recordFile,
          reportDir: outDir,
          itemIds,
          warehouseIds,
          watchdogMs: ((budget ?? 20 * 60) + 300) * 1000,
        },
        (line) => console.log(`[${label}] ${line}`),
      );
      clearInterval(ticker);
      runs.push({ label, outcome, summary: summarize(readRecord(recordFile)) });
    }
    const wait = opts.ttlSeconds + opts.graceSeconds;
    say(`waiting ${wait} s (TTL + grace) for every reservation made during the run to expire`);
    await new Promise((resolve) => setTimeout(resolve, wait * 1000));
    deadlines = await checkDeadlines({
      shardUrls: stack.shardUrls,
      temporalAddress: stack.temporalAddress,
      orderTaskQueue: readVar('ORDER_TASK_QUEUE', stack.env),
      reservationTtlSeconds: opts.ttlSeconds,
      graceSeconds: opts.graceSeconds,
    });
  } finally {
    say('stopping the platform');
    await stack.stop();
  }
  return report(runs, deadlines, opts.minCases, logFile);
}

try {
  process.exit((await main()) ? 0 : 1);
} catch (error) {
  console.error(`[fuzz] failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
}
