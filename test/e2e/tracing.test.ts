/**
 * One order's BEGIN traced end to end: the API app, a Temporal client, an order worker and a warehouse
 * worker built in this process with the same tracing wiring as the real processes, an in-memory exporter in
 * place of OTLP, the suite's dev server and shards. The HTTP span, the client's update-with-start span, the
 * workflow's spans, its activities' spans and their SQL spans form one trace, parent by parent. With
 * tracing off nothing is registered.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { types } from 'node:util';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Client } from '@temporalio/client';
import { Worker, type WorkerOptions } from '@temporalio/worker';
import { sign } from 'hono/jwt';
import { createOrderWorkerActivities, createWarehouseWorkerActivities } from '../../activities/wiring.js';
import { createApp } from '../../api/app.js';
import { checkoutDeps } from '../../api/checkout-wiring.js';
import { createStockEvents, type StockEvents } from '../../api/stock-events.js';
import { loadConfig } from '../../config/env.js';
import { createRepositories } from '../../db/repositories/index.js';
import { DEMO_WAREHOUSES } from '../../db/seed-demo-catalog.js';
import { createShardSet, type ShardSet } from '../../db/shard-set.js';
import { createLogger } from '../../observability/logger.js';
import { clientTracingInterceptors, withWorkerTracing } from '../../observability/temporal-tracing.js';
import { startTracing, type Tracing } from '../../observability/tracing.js';
import { createSimulatedGateway } from '../../payment-gateway/simulator.js';
import { activityFailureInterceptor } from '../../workers/activity-failures.js';
import { WORKFLOWS_PATH } from '../../workers/workflow-source.js';
import { orderWorkflowId } from '../../workflows/definitions.js';
import { stockedItem } from '../support/catalog-fixture.js';
import { testStack } from '../support/stack.js';

const JWT_SECRET = 'tracing-test-secret';
const RESERVATION_TTL_SECONDS = 2;

function dbConfig() {
  return loadConfig({ SHARD_URLS: testStack().shardUrls.join(',') }).db;
}

describe('e2e: one order traced from HTTP through its workflow and activities to SQL', function () {
  this.timeout(180_000);
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  let shardSet: ShardSet;
  let stockEvents: StockEvents;
  let app: ReturnType<typeof createApp>;
  let itemId: string;
  const workers: { worker: Worker; running: Promise<void> }[] = [];
  const orderQueue = `orders-traced-${randomUUID().slice(0, 8)}`;
  const warehouseQueue = `${orderQueue}-warehouse`;

  before(async function () {
    this.timeout(300_000);
    const started = startTracing({
      role: 'api',
      otlpEndpoint: undefined,
      spanProcessor: new SimpleSpanProcessor(exporter),
    });
    assert.ok(started, 'a span processor turns tracing on');
    tracing = started;
    shardSet = createShardSet(dbConfig(), tracing.tracer);
    const repos = createRepositories({ shardSet, cursorSecret: 'test' });
    await repos.warehouses.upsertWarehouses(DEMO_WAREHOUSES);
    itemId = await stockedItem(repos, { 'wh-east': 5 }, 1250);
    const gateway = createSimulatedGateway({
      ledger: repos.payments,
      tokenSecret: 'tracing-test-payment-secret',
      latencyMs: 0,
      failureRate: 0,
    });

    const { nativeConnection, connection } = testStack().temporal;
    const workerOptions: WorkerOptions[] = [
      {
        connection: nativeConnection,
        taskQueue: orderQueue,
        workflowsPath: WORKFLOWS_PATH,
        activities: createOrderWorkerActivities(repos, gateway),
        interceptors: { activity: [activityFailureInterceptor] },
      },
      {
        connection: nativeConnection,
        taskQueue: warehouseQueue,
        activities: createWarehouseWorkerActivities(repos),
        interceptors: { activity: [activityFailureInterceptor] },
      },
    ];
    for (const options of workerOptions) {
      const worker = await Worker.create(withWorkerTracing(tracing, options));
      workers.push({ worker, running: worker.run() });
    }

    const logger = createLogger('api', 'error');
    stockEvents = createStockEvents({ shardSet, logger });
    app = createApp({
      jwtSecret: JWT_SECRET,
      jwtMaxLifetimeSeconds: 3600,
      logger,
      probes: [],
      temporal: new Client({ connection, interceptors: clientTracingInterceptors(tracing) }),
      repositories: repos,
      stockEvents,
      // No item is hot here: the waiting room's routes are never called.
      waitingRoom: {} as never,
      tracer: tracing.tracer,
      checkout: checkoutDeps(
        {
          orderTaskQueue: orderQueue,
          warehouseTaskQueue: warehouseQueue,
          reservationTtlSeconds: RESERVATION_TTL_SECONDS,
          publicBaseUrl: 'http://shop.test',
        },
        repos,
        gateway,
      ),
    });
  });

  after(async () => {
    for (const { worker } of workers) worker.shutdown();
    await Promise.allSettled(workers.map(({ running }) => running));
    await stockEvents?.close();
    await shardSet?.close();
    await tracing?.shutdown();
  });

  it("puts a BEGIN's HTTP request, workflow, activities and SQL in one trace, parent by parent", async () => {
    const customerId = `c-${randomUUID()}`;
    const now = Math.floor(Date.now() / 1000);
    const token = await sign({ sub: customerId, iat: now, exp: now + 600 }, JWT_SECRET, 'HS256');
    const res = await app.request('/checkout?op=BEGIN', {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ cart: [{ itemId, quantity: 1 }] }),
    });
    const body = (await res.json()) as { orderId: string };
    assert.equal(res.status, 201, JSON.stringify(body));
    const workflowId = orderWorkflowId(body.orderId);

    const http = exporter.getFinishedSpans().find((s) => s.name === 'POST /checkout');
    assert.ok(http, `no HTTP span; spans: ${names(exporter.getFinishedSpans())}`);
    assert.equal(http.kind, SpanKind.SERVER);
    assert.equal(http.attributes['http.response.status_code'], 201);
    assert.equal(http.attributes['http.route'], '/checkout');
    // The workflow's own span ends when the order does: the short reservation expires it.
    const runWorkflow = await eventually(
      () =>
        exporter
          .getFinishedSpans()
          .find((s) => s.name.startsWith('RunWorkflow:') && s.attributes['workflowId'] === workflowId),
      () => JSON.stringify(exporter.getFinishedSpans().map((s) => [s.name, s.attributes])),
    );
    const traceId = http.spanContext().traceId;
    const trace = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
    const ancestorsOf = ancestry(trace);
    const described = names(trace);

    assert.equal(
      runWorkflow.spanContext().traceId,
      traceId,
      `the workflow is in another trace: ${described}`,
    );
    const start = trace.find((s) => s.name.startsWith('UpdateWithStartWorkflow:'));
    assert.ok(start, `no client span for the update-with-start: ${described}`);
    assert.ok(ancestorsOf(start).includes(http), 'the HTTP span is the start span’s ancestor');
    assert.ok(ancestorsOf(runWorkflow).includes(http), 'the HTTP span is an ancestor of RunWorkflow');
    const update = trace.find((s) => s.name === 'HandleUpdate:beginCheckout');
    assert.ok(update, `no span for the BEGIN update in the workflow: ${described}`);
    assert.ok(ancestorsOf(update).includes(http), 'the HTTP span is an ancestor of the update handler');

    const activities = trace.filter((s) => s.name.startsWith('RunActivity:'));
    assert.ok(activities.length > 0, `no activity span: ${described}`);
    for (const activity of activities) {
      assert.ok(ancestorsOf(activity).includes(http), `${activity.name} descends from the HTTP span`);
    }
    const sql = trace.filter((s) => s.attributes['db.system'] === 'postgresql');
    const underActivity = sql.filter((s) =>
      activities.some((a) => a.spanContext().spanId === s.parentSpanId),
    );
    assert.ok(underActivity.length > 0, `no SQL span under an activity span: ${described}`);
    for (const statement of underActivity) {
      assert.equal(statement.kind, SpanKind.CLIENT);
      assert.match(String(statement.attributes['db.shard']), /^shard-\d+$/);
      assert.ok(!String(statement.attributes['db.query.text']).includes(customerId), 'no parameter values');
      assert.ok(!JSON.stringify(statement.attributes).includes(customerId), 'no parameter values');
    }
  });

  it('is off without an endpoint: no provider, no interceptors, no SQL wrapper', async () => {
    assert.equal(startTracing({ role: 'order-worker', otlpEndpoint: undefined }), undefined);
    const options: WorkerOptions = { taskQueue: 'unused', activities: {} };
    assert.equal(withWorkerTracing(undefined, options), options);
    assert.deepEqual(clientTracingInterceptors(undefined), { workflow: [] });
    const untraced = createShardSet(dbConfig());
    try {
      assert.equal(types.isProxy(untraced.shards[0]!.sql), false);
      assert.equal(types.isProxy(shardSet.shards[0]!.sql), true, 'while the traced set is wrapped');
    } finally {
      await untraced.close();
    }
  });
});

function names(spans: readonly ReadableSpan[]): string {
  return spans.map((s) => s.name).join(', ');
}

/** The chain of parents of a span within `spans`, nearest first. */
function ancestry(spans: readonly ReadableSpan[]): (span: ReadableSpan) => ReadableSpan[] {
  const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
  return (span) => {
    const chain: ReadableSpan[] = [];
    for (let at = byId.get(span.parentSpanId ?? ''); at; at = byId.get(at.parentSpanId ?? '')) chain.push(at);
    return chain;
  };
}

async function eventually<T>(probe: () => T | undefined, seen: () => string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not seen within ${timeoutMs} ms; seen: ${seen()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
