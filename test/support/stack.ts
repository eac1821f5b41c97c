/**
 * The real servers the whole suite shares: one ephemeral Temporal dev server (or, with
 * TEST_TEMPORAL=cluster, a Temporal cluster) and two PostgreSQL shards on free loopback ports, started
 * once by the mocha global fixture (global-fixtures.ts).
 * Tests that need a different shard count start their own ShardCluster.
 */
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { migrateShards } from '../../db/migrate.js';
import { parseProvider } from '../../scripts/lib/postgres-binaries.js';
import { ShardCluster } from '../../scripts/lib/shard-cluster.js';
import { TemporalCluster } from '../../scripts/lib/temporal-cluster/temporal-cluster.js';
import { TEMPORAL_DEV_SERVER_ARGS } from '../../scripts/lib/temporal-dev-server.js';
import { ORDER_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes.js';
import { testRunDir } from './run-dir.js';

export interface TestStack {
  shards: ShardCluster;
  shardUrls: string[];
  temporal: TestWorkflowEnvironment;
  temporalAddress: string;
  temporalCli: string;
  /** The Temporal cluster, when the suite runs on it (TEST_TEMPORAL=cluster). */
  cluster?: TemporalCluster;
}

let stack: TestStack | undefined;

export function testStack(): TestStack {
  if (!stack)
    throw new Error('The test stack is not running: run tests through `npm test` (global fixtures)');
  return stack;
}

export async function startTestStack(shardCount = 2): Promise<TestStack> {
  const temporalCli = process.env['TEMPORAL_CLI'];
  if (!temporalCli)
    throw new Error('TEMPORAL_CLI is not set: run tests through `npm test`, which installs it');
  const [shards, { temporal, cluster }] = await Promise.all([
    startTestShards(shardCount, 'suite'),
    startTestTemporal(temporalCli),
  ]);
  const address = temporal.connection.options.address;
  stack = { shards, shardUrls: shards.urls, temporal, temporalAddress: address, temporalCli, cluster };
  return stack;
}

/**
 * The suite's Temporal: the dev server, or with TEST_TEMPORAL=cluster the production topology (its own
 * PostgreSQL, a process per service), so that any part of the suite runs on either.
 */
async function startTestTemporal(
  temporalCli: string,
): Promise<{ temporal: TestWorkflowEnvironment; cluster?: TemporalCluster }> {
  const topology = process.env['TEST_TEMPORAL'] ?? 'dev';
  if (topology === 'cluster') {
    const dir = path.join(testRunDir(), `suite-temporal-cluster-${process.hrtime.bigint()}`);
    const cluster = await TemporalCluster.start({
      baseDir: dir,
      fallbackDir: `${dir}-fallback`,
      historyShards: 4,
      namespace: 'default',
      provider: parseProvider(process.env['PG_PROVIDER']),
      durable: false,
    });
    const temporal = await TestWorkflowEnvironment.createFromExistingServer({ address: cluster.address });
    return { temporal, cluster };
  }
  if (topology !== 'dev') throw new Error(`TEST_TEMPORAL must be dev or cluster, got "${topology}"`);
  const temporal = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalCli },
      ip: '127.0.0.1',
      searchAttributes: ORDER_SEARCH_ATTRIBUTES,
      extraArgs: [...TEMPORAL_DEV_SERVER_ARGS],
      log: { format: 'pretty', level: 'warn' },
    },
  });
  return { temporal };
}

export async function stopTestStack(): Promise<void> {
  if (!stack) return;
  const current = stack;
  stack = undefined;
  await Promise.allSettled([current.temporal.teardown(), current.shards.stop()]);
  await current.cluster?.stop();
}

/** Throwaway shards for one test file, stopped by the caller. */
export async function startTestShards(count: number, label: string): Promise<ShardCluster> {
  const base = path.join(testRunDir(), `${label}-${process.hrtime.bigint()}`);
  const cluster = await ShardCluster.start({
    count,
    baseDir: base,
    fallbackDir: base,
    provider: parseProvider(process.env['PG_PROVIDER']),
    durable: false,
  });
  await migrateShards(cluster.urls);
  return cluster;
}

/** A client on the suite's Temporal server, separate from the environment's own. */
export async function newTemporalClient(): Promise<Client> {
  const connection = await Connection.connect({ address: testStack().temporalAddress });
  return new Client({ connection });
}
