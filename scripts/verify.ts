/**
 * `npm run verify [-- --limit N] [--temporal]`: checks the platform's invariants (db/invariants.ts, and that a
 * finished order holds no stock, db/held-stock-check.ts) over every shard of SHARD_URLS and prints, per check, the rows it examined and the violations it found, with the
 * violating rows (at most N per check, 20 by default). Exit code 0: all hold; 1: a violation; 2: it could not
 * check. Database checks only, unless `--temporal`: then also that every unfinished order's workflow is running
 * (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE). Meant for a quiescent platform (nothing in flight): a checkout between
 * two statements can look like a violation for a moment.
 */
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { type AppConfig, loadConfig } from '../config/env.js';
import { checkHeldStock } from '../db/held-stock-check.js';
import { runInvariantChecks } from '../db/invariants.js';
import { createShardSet } from '../db/shard-set.js';
import { type CheckResult, progressLine, reportLines, totalsPerInvariant } from './lib/invariant-report.js';
import { checkOrderWorkflows } from './lib/order-workflow-check.js';

const { values } = parseArgs({
  options: { limit: { type: 'string', default: '20' }, temporal: { type: 'boolean', default: false } },
});
const limit = Number(values.limit);
if (!Number.isInteger(limit) || limit < 0) {
  console.error(`--limit must be 0 or a positive integer, got "${values.limit}"`);
  process.exit(2);
}

const config = loadConfig();
const shardSet = createShardSet({ ...config.db, poolSize: 2 });
try {
  const scope = values.temporal ? 'database checks and order workflows in Temporal' : 'database checks only';
  console.log(`verifying ${shardSet.shards.length} shard(s) (${scope})`);
  const started = Date.now();
  const results: CheckResult[] = await runInvariantChecks(shardSet, {}, (result) =>
    console.log(progressLine(result)),
  );
  const printed = (result: CheckResult) => console.log(progressLine(result));
  for (const result of await checkHeldStock(shardSet)) {
    printed(result);
    results.push(result);
  }
  if (values.temporal) {
    results.push(...(await withTemporal(config, (client) => checkOrderWorkflows(shardSet, client, printed))));
  }
  const totals = totalsPerInvariant(results);
  console.log('');
  for (const line of reportLines(totals, limit)) console.log(line);
  const violations = totals.reduce((sum, t) => sum + t.violations.length, 0);
  console.log('');
  console.log(
    violations === 0
      ? `all invariants hold (${Date.now() - started} ms)`
      : `${violations} violation(s) found (${Date.now() - started} ms)`,
  );
  process.exitCode = violations === 0 ? 0 : 1;
} catch (error) {
  console.error('verify could not check:', error);
  process.exitCode = 2;
} finally {
  await shardSet.close();
}

async function withTemporal<T>(appConfig: AppConfig, work: (client: Client) => Promise<T>): Promise<T> {
  const connection = await Connection.connect({ address: appConfig.temporal.address, connectTimeout: '5s' });
  try {
    return await work(new Client({ connection, namespace: appConfig.temporal.namespace }));
  } finally {
    await connection.close();
  }
}
