/**
 * The analytics export through the real platform: orders placed over HTTP, the order worker's schedule
 * triggered, the warehouse file compared with the shards, a second run that changes nothing, and a
 * cancellation picked up by the next run; then the report and Parquet commands on that file.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { ShardExportCounts } from '../../analytics/shard-export.js';
import { openWarehouse } from '../../analytics/warehouse.js';
import { CHARGED_ORDER_STATUSES } from '../../domain/order-status.js';
import { PROJECT_ROOT } from '../../scripts/lib/project-paths.js';
import { ANALYTICS_EXPORT_WORKFLOW_TYPE, analyticsScheduleId } from '../../workers/analytics-schedule.js';
import type { AnalyticsExportResult } from '../../workflows/analytics/export-workflow.js';
import { newShopper, placeOrder, type Shopper } from '../api/support.js';
import { eventually, stockedItem } from '../support/catalog-fixture.js';
import { api } from '../support/platform.js';
import { usePlatform } from '../support/platform-suite.js';
import { testRunDir } from '../support/run-dir.js';
import { testStack } from '../support/stack.js';

const run = promisify(execFile);

/** The same figures, from the shards (all of them) or from the warehouse. */
const TOTALS = {
  orders:
    'select count(*)::bigint, coalesce(sum(total_cents), 0)::bigint, coalesce(sum(version), 0)::bigint from orders',
  cancelled: "select count(*)::bigint, 0::bigint, 0::bigint from orders where status = 'CANCELLED'",
  order_lines:
    'select count(*)::bigint, coalesce(sum(quantity), 0)::bigint, coalesce(sum(quantity * price_cents), 0)::bigint from order_lines',
  suborders: 'select count(*)::bigint, coalesce(sum(version), 0)::bigint, 0::bigint from suborders',
  payments: 'select count(*)::bigint, coalesce(sum(amount_cents), 0)::bigint, 0::bigint from payments',
} as const;
type Totals = Record<keyof typeof TOTALS, [number, number, number]>;

describe('analytics export: shards to the DuckDB warehouse', function () {
  this.timeout(240_000);
  const warehouseFile = path.join(testRunDir(), `analytics-${randomUUID().slice(0, 8)}.duckdb`);
  const live = usePlatform({
    env: { ANALYTICS_DB_PATH: warehouseFile, ANALYTICS_EXPORT_INTERVAL_SECONDS: '3600' },
  });
  const schedule = () =>
    testStack().temporal.client.schedule.getHandle(
      analyticsScheduleId(live.platform.env['ORDER_TASK_QUEUE']!),
    );

  /** Triggers the order worker's schedule and waits for the run it starts. */
  async function scheduledExport(): Promise<AnalyticsExportResult> {
    const triggeredAt = Date.now() - 1_000;
    await schedule().trigger();
    const started = await eventually(
      async () =>
        (await schedule().describe()).info.recentActions.find((a) => a.takenAt.getTime() >= triggeredAt)
          ?.action.workflow.workflowId,
      (id) => id !== undefined,
      { timeoutMs: 90_000, intervalMs: 500 },
    );
    return testStack().temporal.client.workflow.getHandle(started!).result();
  }

  /**
   * Runs the export workflow as the schedule does. The later runs are started directly: on a busy machine the
   * schedule took over 30 s to act on a second trigger.
   */
  function exportNow(): Promise<AnalyticsExportResult> {
    return testStack().temporal.client.workflow.execute(ANALYTICS_EXPORT_WORKFLOW_TYPE, {
      workflowId: `analytics-export-test-${randomUUID().slice(0, 8)}`,
      taskQueue: live.platform.env['ORDER_TASK_QUEUE']!,
    });
  }

  async function shardTotals(): Promise<Totals> {
    const totals = Object.fromEntries(Object.keys(TOTALS).map((k) => [k, [0, 0, 0]])) as Totals;
    for (const shard of live.db.shards.shards) {
      for (const [name, query] of Object.entries(TOTALS)) {
        const [row] = await shard.sql.unsafe(query, [], { prepare: false }).values();
        const sums = totals[name as keyof Totals];
        for (let i = 0; i < 3; i++) sums[i]! += Number(row![i]);
      }
    }
    return totals;
  }

  async function warehouseTotals(): Promise<Totals> {
    const warehouse = await openWarehouse(warehouseFile, { readOnly: true });
    try {
      const totals: Partial<Totals> = {};
      for (const [name, query] of Object.entries(TOTALS)) {
        const row = (await warehouse.connection.runAndReadAll(query)).getRows()[0]!;
        totals[name as keyof Totals] = row.map(Number) as [number, number, number];
      }
      return totals as Totals;
    } finally {
      warehouse.close();
    }
  }

  const changedRows = (result: AnalyticsExportResult, table: keyof ShardExportCounts) =>
    result.shards.reduce((sum, s) => sum + s.counts[table].changed, 0);

  let shoppers: Shopper[];
  let orderIds: string[];

  before(async () => {
    const kettle = await stockedItem(live.db.repos, { 'wh-east': 20, 'wh-west': 20 }, 2_500);
    const mug = await stockedItem(live.db.repos, { 'wh-central': 20 }, 800);
    shoppers = [await newShopper(), await newShopper(), await newShopper()];
    orderIds = [
      await placeOrder(live.platform, shoppers[0]!, [{ itemId: kettle, quantity: 2 }]),
      await placeOrder(live.platform, shoppers[1]!, [
        { itemId: kettle, quantity: 1 },
        { itemId: mug, quantity: 3 },
      ]),
      await placeOrder(live.platform, shoppers[2]!, [{ itemId: mug, quantity: 1 }]),
    ];
    // Settled: paid and split into shipments, so nothing moves while the export runs.
    for (const [i, orderId] of orderIds.entries()) {
      await eventually(
        () => live.db.repos.orders.getOrder(shoppers[i]!.customerId, orderId),
        (order) => order?.status === 'PENDING' && order.suborders.length > 0,
      );
    }
  });

  it('is scheduled by the order worker at the configured interval', async () => {
    const described = await schedule().describe();
    assert.deepEqual(
      described.spec.intervals?.map((i) => i.every),
      [3_600_000],
    );
    assert.equal(described.action.type, 'startWorkflow');
  });

  it('copies every order, line, suborder and payment of every shard; a second run changes nothing', async () => {
    const first = await scheduledExport();
    assert.deepEqual(
      first.shards.map((s) => s.shard),
      live.db.shards.shards.map((s) => s.id),
    );
    assert.ok(changedRows(first, 'orders') >= orderIds.length, JSON.stringify(first));
    const expected = await shardTotals();
    assert.ok(expected.orders[0] >= orderIds.length);
    assert.deepEqual(await warehouseTotals(), expected);

    const second = await exportNow();
    for (const table of ['orders', 'order_lines', 'suborders', 'payments'] as const) {
      assert.equal(changedRows(second, table), 0, `${table}: ${JSON.stringify(second)}`);
    }
    assert.ok(
      second.shards.some((s) => s.counts.orders.read >= 1),
      'it did read the recent rows again',
    );
    assert.deepEqual(await warehouseTotals(), expected);
  });

  it('picks up a cancellation and its refund in the next run', async () => {
    const shopper = shoppers[0]!;
    const orderId = orderIds[0]!;
    const cancelled = await api(live.platform, 'POST', '/checkout?op=CANCEL', {
      token: shopper.token,
      body: { orderId },
    });
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
    await eventually(
      () => live.db.repos.payments.listForOrder(shopper.customerId, orderId),
      (ledger) => ledger.some((e) => e.operation === 'REFUND' && e.outcome === 'SUCCEEDED'),
    );
    const before = await warehouseTotals();

    const next = await exportNow();
    assert.ok(changedRows(next, 'orders') >= 1, JSON.stringify(next));
    assert.ok(changedRows(next, 'payments') >= 1, JSON.stringify(next));
    const after = await warehouseTotals();
    assert.deepEqual(after, await shardTotals());
    assert.equal(after.cancelled[0], before.cancelled[0] + 1);
    const warehouse = await openWarehouse(warehouseFile, { readOnly: true });
    try {
      const status = await warehouse.connection.runAndReadAll(
        'select status from orders where order_id = $1',
        [orderId],
      );
      assert.deepEqual(status.getRows(), [['CANCELLED']]);
    } finally {
      warehouse.close();
    }
  });

  it('npm run report and npm run analytics:parquet read the warehouse', async () => {
    const env = { ...process.env, ANALYTICS_DB_PATH: warehouseFile };
    const cli = (script: string, ...args: string[]) =>
      run(process.execPath, ['--import', 'tsx', script, ...args], { cwd: PROJECT_ROOT, env });

    const { stdout: report } = await cli('scripts/analytics-report.ts');
    for (const title of [
      'Revenue per day',
      'Top items by revenue',
      'Fulfillment time',
      'Cancellation rate per day',
    ])
      assert.match(report, new RegExp(title), report);
    const totals = await warehouseTotals();
    const charged = await chargedRevenueCents();
    const revenueRows = report.split('\n\n')[0]!.split('\n').slice(2);
    const reported = revenueRows.reduce(
      (sum, line) => sum + Math.round(Number(line.trim().split(/\s+/)[2]) * 100),
      0,
    );
    assert.equal(reported, charged, report);
    const finishedRows = report.split('\n\n')[3]!.split('\n').slice(2);
    const reportedCancelled = finishedRows.reduce(
      (sum, line) => sum + Number(line.trim().split(/\s+/)[2]),
      0,
    );
    assert.equal(reportedCancelled, totals.cancelled[0], report);

    // While an export holds the file for writing (here this process), the report says so instead of failing.
    const writer = await openWarehouse(warehouseFile);
    try {
      await assert.rejects(cli('scripts/analytics-report.ts'), (error: { code: number; stderr: string }) => {
        assert.equal(error.code, 3);
        assert.match(error.stderr, /is being written by an export; run this again/);
        return true;
      });
    } finally {
      writer.close();
    }

    const directory = path.join(testRunDir(), `parquet-${randomUUID().slice(0, 8)}`);
    const { stdout: written } = await cli('scripts/analytics-parquet.ts', directory);
    assert.match(written, new RegExp(`orders\\.parquet: ${totals.orders[0]} rows`), written);
    for (const table of ['orders', 'order_lines', 'suborders', 'payments'])
      assert.ok(fs.statSync(path.join(directory, `${table}.parquet`)).size > 0, table);
    const warehouse = await openWarehouse(':memory:');
    try {
      const rows = await warehouse.connection.runAndReadAll(
        `select count(*)::integer from read_parquet('${path.join(directory, 'order_lines.parquet')}')`,
      );
      assert.equal(Number(rows.getRows()[0]![0]), totals.order_lines[0]);
    } finally {
      warehouse.close();
    }
  });

  async function chargedRevenueCents(): Promise<number> {
    let sum = 0;
    for (const shard of live.db.shards.shards) {
      const [row] = await shard.sql`
        select coalesce(sum(total_cents), 0)::float8 as cents from orders
        where status = any(${[...CHARGED_ORDER_STATUSES]}::text[])`;
      sum += Number(row!['cents']);
    }
    return sum;
  }
});
