/**
 * Every recorded history (test/histories/, written by `npm run record-histories`) must replay against
 * today's workflow code: a change that would break an order in flight fails here. Unprefixed histories
 * are of the type BEGIN starts (orderWorkflowV3, every patch taken from the start); `v2.` ones of
 * orderWorkflowV2, the same code asking about each patch, recorded with all of them; `v2-before-lost-payment-undone.`
 * ones are of V2 before its `lost-payment-undone` patch, `v2-before-handlers-first.` ones before its
 * `handlers-answer-first` patch, and `v2-regular-gateway.` ones from further back, before its
 * `gateway-calls-local` patch. Those of the legacy orderWorkflow and its fulfillment
 * child keep a `legacy-v<N>.` prefix (v1 before the `report-suborders-before-notify` patch, v2 after),
 * so every type still registered, and both sides of every patch, are replayed; `analytics.` ones are of
 * analyticsExportWorkflow (`scripts/record-analytics-history.ts`), `waiting-room.` ones of waitingRoomWorkflow
 * (`scripts/record-waiting-room-history.ts`). Mutated copies of the workflows, with two steps swapped, prove
 * the replay really checks.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { type ReplayResult, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { WORKFLOW_TRACING_MODULE } from '../../observability/temporal-tracing.js';
import { bundleWorkflows, mutantWorkflows, PROJECT_ROOT_DIR } from '../support/workflow-bundles.js';

const HISTORIES = path.join(PROJECT_ROOT_DIR, 'test', 'histories');

interface RecordedHistory {
  file: string;
  workflowId: string;
  history: unknown;
}

function recordedHistories(): RecordedHistory[] {
  return fs
    .readdirSync(HISTORIES)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({
      file,
      workflowId: file.replace(/\.json$/, ''),
      history: JSON.parse(fs.readFileSync(path.join(HISTORIES, file), 'utf8')),
    }));
}

async function replayAll(workflowBundle: WorkflowBundleWithSourceMap): Promise<ReplayResult[]> {
  const results: ReplayResult[] = [];
  const histories = recordedHistories().map(({ workflowId, history }) => ({ workflowId, history }));
  for await (const result of Worker.runReplayHistories(
    { workflowBundle, replayName: 'replay-test' },
    histories,
  )) {
    results.push(result);
  }
  return results;
}

describe('replay: recorded histories against today’s workflow code', function () {
  this.timeout(180_000);

  it('has a history for every branch of the lifecycle', () => {
    const names = recordedHistories().map((h) => h.workflowId);
    for (const branch of [
      'checkout-out-of-stock',
      'cancel-while-replanning',
      'cancel-while-authorizing',
      'happy-path-delivered',
      'expiry',
      'expiry-after-a-lost-payment-task',
      'payment-declined',
      'cancel-before-payment',
      'cancel-after-payment',
      'cancel-refused-after-shipping',
      'partial-shipments',
      'database-outage-retried',
      'step-failed-for-good',
      'step-past-its-bound',
      'update-while-a-step-outlives-its-task',
      'void-refused-after-capture',
    ]) {
      assert.ok(names.includes(branch), `missing history: ${branch}`);
      assert.ok(names.includes(`v2.${branch}`), `missing history: v2.${branch}`);
    }
    for (const version of ['legacy-v1', 'legacy-v2']) {
      assert.ok(
        names.some((n) => n.startsWith(`${version}.`) && n.endsWith('.fulfillment')),
        `the legacy fulfillment child is recorded too (${version})`,
      );
    }
    assert.ok(
      names.some((n) => n.startsWith('waiting-room.')),
      'the waiting room workflow is recorded too',
    );
    // orderWorkflowV2 before the lost-payment-undone patch: an unpaid order closed as it was.
    for (const branch of ['expiry', 'cancel-before-payment']) {
      assert.ok(
        names.includes(`v2-before-lost-payment-undone.${branch}`),
        `missing history: v2-before-lost-payment-undone.${branch}`,
      );
    }
    // orderWorkflowV2 before the handlers-answer-first patch: every branch.
    for (const branch of ['happy-path-delivered', 'cancel-after-payment', 'step-failed-for-good', 'expiry']) {
      assert.ok(
        names.includes(`v2-before-handlers-first.${branch}`),
        `missing history: v2-before-handlers-first.${branch}`,
      );
    }
    // orderWorkflowV2 before the gateway-calls-local patch: gateway calls as regular activities.
    for (const branch of ['happy-path-delivered', 'cancel-while-authorizing', 'payment-declined']) {
      assert.ok(
        names.includes(`v2-regular-gateway.${branch}`),
        `missing history: v2-regular-gateway.${branch}`,
      );
    }
  });

  it('has a history of the analytics export', () => {
    assert.ok(recordedHistories().some((h) => h.workflowId === 'analytics.export'));
  });

  it('replays every history without nondeterminism', async () => {
    const workflowBundle = await bundleWorkflows();
    const results = await replayAll(workflowBundle);
    assert.equal(results.length, recordedHistories().length);
    const failures = results.filter((r) => r.error).map((r) => `${r.workflowId}: ${r.error?.message}`);
    assert.deepEqual(failures, []);
  });

  it('replays every history with the tracing workflow interceptors bundled (a traced worker takes over)', async () => {
    const results = await replayAll(await bundleWorkflows(undefined, [WORKFLOW_TRACING_MODULE]));
    assert.equal(results.length, recordedHistories().length);
    const failures = results.filter((r) => r.error).map((r) => `${r.workflowId}: ${r.error?.message}`);
    assert.deepEqual(failures, []);
  });

  /** Replays every history against a copy of the workflows with `mutate` applied to `file`. */
  async function replayMutant(file: string, mutate: (source: string) => string): Promise<ReplayResult[]> {
    const { dir, workflowsPath } = mutantWorkflows(file, mutate);
    try {
      const workflowBundle = await bundleWorkflows(workflowsPath);
      return await replayAll(workflowBundle);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  const PAST_PAYMENT = [
    'cancel-after-payment',
    'cancel-refused-after-shipping',
    'database-outage-retried',
    'happy-path-delivered',
    'partial-shipments',
  ];
  /** orderWorkflowV2 and V3 only: recorded after the legacy types stopped being recorded. */
  const V2_PAST_PAYMENT = ['update-while-a-step-outlives-its-task', 'void-refused-after-capture'];
  /** A branch's histories of both types that run today's order code: V3 (unprefixed) and V2. */
  const bothTypes = (names: string[]) => [...names, ...names.map((name) => `v2.${name}`)];

  function assertDiverged(results: ReplayResult[], expected: string[]): void {
    const broken = results
      .filter((r) => r.error)
      .map((r) => r.workflowId)
      .sort();
    assert.deepEqual(broken, [...expected].sort());
    for (const result of results.filter((r) => r.error)) {
      assert.equal(result.error?.name, 'DeterminismViolationError');
    }
  }

  it('fails when a legacy step is reordered (commit the reservations before recording PENDING)', async () => {
    const results = await replayMutant('legacy/order-workflow.ts', (source) =>
      source.replace(
        /(\s*)await moveTo\('PENDING'\);(\s*)(await Promise\.all\(state\.lines\.map\(\(line\) => orderSteps\.commitLine\(\{ orderId, itemId: line\.itemId \}\)\)\);)/,
        "$1$3$2await moveTo('PENDING');",
      ),
    );
    // Every legacy order that got past payment now diverges, in both recorded versions; the others
    // never reach the swapped steps, and orderWorkflowV2's histories do not run that code.
    assertDiverged(
      results,
      ['legacy-v1', 'legacy-v2'].flatMap((version) => PAST_PAYMENT.map((name) => `${version}.${name}`)),
    );
  });

  it('fails when a V2 step is reordered (capture the payment before confirming the order)', async () => {
    const confirm = 'await localSteps.confirmOrder({ ...this.key(), itemIds: this.itemIds() });';
    const capture = 'await this.gateway().capturePayment({ ...this.key(), authorizationId, amountCents });';
    const results = await replayMutant('order/order-workflow.ts', (source) =>
      source
        .replace(confirm, '/* confirm */')
        .replace(capture, `${capture}\n    ${confirm}`)
        .replace('/* confirm */', ''),
    );
    // Every side of both V2 patches diverges. Since gateway-calls-local a cancel sent while the card is
    // authorized waits for the payment step, so that order is captured (then refunded) too.
    const branches = [...PAST_PAYMENT, 'cancel-while-replanning'];
    // A failed order's histories diverge too: one failed at confirmOrder, the other got past capture.
    const localGateway = [
      ...branches,
      'cancel-while-authorizing',
      'step-failed-for-good',
      'step-past-its-bound',
    ];
    assertDiverged(results, [
      ...bothTypes([...localGateway, ...V2_PAST_PAYMENT]),
      ...localGateway.map((name) => `v2-before-handlers-first.${name}`),
      ...branches.map((name) => `v2-regular-gateway.${name}`),
    ]);
  });

  it('fails when a failed order no longer gives the money back (the FAILED branch is recorded)', async () => {
    const results = await replayMutant('order/order-workflow.ts', (source) =>
      source.replace('await this.giveMoneyBack();', ''),
    );
    const failed = ['step-failed-for-good', 'step-past-its-bound'];
    assertDiverged(results, [
      ...bothTypes([...failed, 'void-refused-after-capture']),
      ...failed.map((name) => `v2-before-handlers-first.${name}`),
    ]);
  });

  it('fails when an unpaid order closes as it did before lost-payment-undone (its histories are recorded)', async () => {
    const results = await replayMutant('order/order-workflow.ts', (source) =>
      source.replace(
        'if (!takes(LOST_PAYMENT_UNDONE)) return this.close(status);',
        'return this.close(status);',
      ),
    );
    // Every unpaid order recorded since the patch diverges, whether or not a lost task had taken a payment.
    assertDiverged(
      results,
      bothTypes(['expiry', 'cancel-before-payment', 'expiry-after-a-lost-payment-task']),
    );
  });

  it('fails when a void refused as captured no longer leads to a refund (its history is recorded)', async () => {
    const results = await replayMutant('order/order-workflow.ts', (source) =>
      source.replace('error instanceof ActivityFailure || this.voidRefusedAsLocalStep(error)', 'false'),
    );
    assertDiverged(results, bothTypes(['void-refused-after-capture']));
  });

  it('fails when orderWorkflowV3 asks its history about patches (it recorded no markers)', async () => {
    const results = await replayMutant('order/patches.ts', (source) =>
      source.replace(
        'workflowInfo().workflowType !== ORDER_WORKFLOW_V2_TYPE || patched(patchId)',
        'patched(patchId)',
      ),
    );
    // Asked, a patch without its marker reads as not taken: every V3 order past its checkout takes an
    // older path. A refused checkout reaches no patched step.
    const v3 = recordedHistories()
      .map((h) => h.workflowId)
      .filter((name) => !name.includes('.'));
    assertDiverged(
      results,
      v3.filter((name) => name !== 'checkout-out-of-stock'),
    );
  });

  it('fails when the analytics export no longer asks which shards there are first', async () => {
    const results = await replayMutant('analytics/export-workflow.ts', (source) =>
      source.replace('await steps.analyticsShardIds()', "['shard-0', 'shard-1']"),
    );
    assertDiverged(results, ['analytics.export']);
  });
});
