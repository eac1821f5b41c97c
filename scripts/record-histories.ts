/**
 * Records histories of the workflow type BEGIN starts (orderWorkflowV3), for every branch of the order
 * lifecycle, into test/histories/, for the replay test (test/replay/replay-histories.test.ts). The
 * legacy types' recordings (`legacy-v<N>.*`) are never re-recorded. Run after a deliberate workflow change:
 *   npm run record-histories                       (every scenario)
 *   npm run record-histories -- <name> [<name>…]   (a new branch, leaving the other recordings as they are)
 * It drives the real workflow code with in-memory activities on the time-skipping test server; the
 * histories are what a production server would store for the same decisions.
 */

import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createTimeSkippingEnv, registerOrderSearchAttributes } from '../test/support/time-skipping.js';
import { bundleWorkflows, WORKFLOWS_ENTRY } from '../test/support/workflow-bundles.js';
import {
  addItem,
  type FakeWorld,
  fakeOrderWorkerActivities,
  fakeWarehouseActivities,
  newWorld,
} from '../test/workflows/fake-activities.js';
import {
  beginCheckoutUpdate,
  cancelOrderUpdate,
  cancelSignal,
  deliverSuborderUpdate,
  ORDER_WORKFLOW_TYPE,
  orderStateQuery,
  orderWorkflowId,
  providePaymentUpdate,
  shipSuborderUpdate,
  submitOrderUpdate,
} from '../workflows/definitions.js';
import type { orderWorkflowV3 } from '../workflows/order/order-workflow.js';
// @ts-expect-error plain .mjs without type declarations
import { ensureTemporalCli } from './install-temporal-cli.mjs';
import { PROJECT_ROOT } from './lib/project-paths.js';

export const HISTORIES_DIR = fileURLToPath(new URL('../test/histories/', import.meta.url));
const ADDRESS = { name: 'Ada', line1: '1 Main St', city: 'Newark', postalCode: '07102', country: 'US' };

type Handle = WorkflowHandle<typeof orderWorkflowV3>;

export interface Scenario {
  name: string;
  /** The workflow task timeout, when the scenario needs a local step to outlive its workflow task. */
  workflowTaskTimeout?: string;
  setUp(world: FakeWorld): void;
  run(handle: Handle, world: FakeWorld): Promise<void>;
}

/** How often a worker sends back a workflow task kept open by a local step: 80% of the 4 s task timeout. */
const HEARTBEAT_MS = 3_200;

const begin = (h: Handle, quantity: number) =>
  h.executeUpdate(beginCheckoutUpdate, { args: [{ lines: [{ itemId: 'kettle', quantity }] }] });
const pay = (h: Handle, paymentToken = 'tok_ok') =>
  h.executeUpdate(providePaymentUpdate, { args: [{ paymentToken, shippingAddress: ADDRESS }] });

async function suborders(h: Handle, count: number): Promise<string[]> {
  for (;;) {
    const state = await h.query(orderStateQuery);
    if (state.suborders.length === count) return state.suborders.map((s) => s.suborderId);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function placeAndSplit(h: Handle, quantity: number, count: number): Promise<string[]> {
  await begin(h, quantity);
  await pay(h);
  await h.executeUpdate(submitOrderUpdate);
  return suborders(h, count);
}

const oneWarehouse = (world: FakeWorld) => addItem(world, 'kettle', 2500, { 'wh-east': 10 });
const twoWarehouses = (world: FakeWorld) => addItem(world, 'kettle', 2500, { 'wh-east': 1, 'wh-west': 1 });
/** One warehouse's kettles, and one change to the world that steers the scenario down its branch. */
const oneWarehouseWhere = (change: (world: FakeWorld) => void) => (world: FakeWorld) => {
  oneWarehouse(world);
  change(world);
};

/**
 * What a workflow task that took the payment did before it was lost, through the same steps: it ran every
 * one up to the split, and its update's acceptance was lost with it, so the order waits for payment again.
 */
async function loseTaskThatTookPayment(h: Handle, world: FakeWorld): Promise<void> {
  const { orderId, customerId, totalCents, lines } = await h.query(orderStateQuery);
  const steps = fakeOrderWorkerActivities(world);
  const key = { orderId, customerId };
  const units = lines.map(({ itemId, quantity }) => ({ itemId, quantity }));
  await steps.startPaying({ ...key, shippingAddress: ADDRESS });
  const authorized = await steps.authorizeCharge({ ...key, amountCents: totalCents, paymentToken: 'tok_ok' });
  if (!authorized.ok) throw new Error('the lost task must have authorized the card');
  await steps.confirmOrder({ ...key, itemIds: units.map((l) => l.itemId) });
  await steps.capturePayment({
    ...key,
    authorizationId: authorized.authorizationId,
    amountCents: totalCents,
  });
  await steps.allocateSuborders({
    ...key,
    items: units.map(({ itemId, quantity }) => ({ itemId, parts: [{ warehouseId: 'wh-east', quantity }] })),
    suborders: [{ warehouseId: 'wh-east', lines: units }],
  });
}

/** Begins a checkout and does nothing more: what follows is the workflow's own doing. */
const onlyBegin = (name: string, quantity: number): Scenario => ({
  name,
  setUp: oneWarehouse,
  async run(h) {
    await begin(h, quantity);
  },
});

export const SCENARIOS: Scenario[] = [
  {
    name: 'happy-path-delivered',
    setUp: oneWarehouse,
    async run(h) {
      const [id] = await placeAndSplit(h, 2, 1);
      await h.executeUpdate(shipSuborderUpdate, { args: [{ suborderId: id! }] });
      await h.executeUpdate(deliverSuborderUpdate, { args: [{ suborderId: id! }] });
    },
  },
  {
    name: 'partial-shipments',
    setUp: twoWarehouses,
    async run(h) {
      const [a, b] = await placeAndSplit(h, 2, 2);
      await h.executeUpdate(shipSuborderUpdate, { args: [{ suborderId: a! }] });
      await h.executeUpdate(shipSuborderUpdate, { args: [{ suborderId: b! }] });
      await h.executeUpdate(deliverSuborderUpdate, { args: [{ suborderId: a! }] });
      await h.executeUpdate(deliverSuborderUpdate, { args: [{ suborderId: b! }] });
    },
  },
  onlyBegin('expiry', 1),
  {
    name: 'payment-declined',
    setUp: oneWarehouseWhere((world) => world.declineCards.add('tok_declined')),
    async run(h) {
      await begin(h, 1);
      // The decline closes the order in the payment's own workflow task: a SUBMIT after it finds the
      // workflow closed, and the API answers it from the workflow's result.
      await pay(h, 'tok_declined');
    },
  },
  {
    name: 'cancel-before-payment',
    setUp: oneWarehouse,
    async run(h) {
      await begin(h, 1);
      await h.signal(cancelSignal, { reason: 'changed my mind' });
    },
  },
  {
    name: 'expiry-after-a-lost-payment-task',
    // The reservation lapses with the lost task's payment, holds and split in place: all given back.
    setUp: oneWarehouse,
    async run(h, world) {
      await begin(h, 2);
      await loseTaskThatTookPayment(h, world);
    },
  },
  {
    name: 'cancel-after-payment',
    setUp: twoWarehouses,
    async run(h) {
      await placeAndSplit(h, 2, 2);
      await h.executeUpdate(cancelOrderUpdate, { args: [{ reason: 'changed my mind' }] });
    },
  },
  {
    name: 'cancel-refused-after-shipping',
    setUp: oneWarehouse,
    async run(h) {
      const [id] = await placeAndSplit(h, 1, 1);
      await h.executeUpdate(shipSuborderUpdate, { args: [{ suborderId: id! }] });
      await h.executeUpdate(cancelOrderUpdate, { args: [{}] }).then(
        () => {
          throw new Error('cancel after shipping must be refused');
        },
        () => undefined,
      );
      await h.signal(cancelSignal);
      await h.executeUpdate(deliverSuborderUpdate, { args: [{ suborderId: id! }] });
    },
  },
  onlyBegin('checkout-out-of-stock', 11),
  {
    name: 'cancel-while-replanning',
    // Reservable, but no warehouse can send it now: the split waits, and the cancel ends the wait.
    setUp: oneWarehouseWhere((world) => world.warehouseStock.get('kettle')!.set('wh-east', 0)),
    async run(h, world) {
      await begin(h, 1);
      await pay(h);
      await h.executeUpdate(submitOrderUpdate);
      while (!world.calls.includes('loadSplitInputs'))
        await new Promise((resolve) => setTimeout(resolve, 50));
      await h.executeUpdate(cancelOrderUpdate, { args: [{ reason: 'too slow' }] });
    },
  },
  {
    name: 'cancel-while-authorizing',
    setUp: oneWarehouse,
    async run(h, world) {
      await begin(h, 1);
      let openGate!: () => void;
      world.authorizeGate = new Promise((resolve) => {
        openGate = resolve;
      });
      await pay(h);
      while (!world.calls.includes('authorize')) await new Promise((resolve) => setTimeout(resolve, 50));
      const cancelled = h.executeUpdate(cancelOrderUpdate, { args: [{ reason: 'wrong size' }] });
      await new Promise((resolve) => setTimeout(resolve, 300));
      openGate();
      await cancelled;
    },
  },
  {
    name: 'database-outage-retried',
    setUp: oneWarehouseWhere((world) => {
      world.transientFailures.set('beginOrder', 3);
      world.transientFailures.set('startPaying', 2);
    }),
    async run(h) {
      const [id] = await placeAndSplit(h, 1, 1);
      await h.executeUpdate(shipSuborderUpdate, { args: [{ suborderId: id! }] });
      await h.executeUpdate(deliverSuborderUpdate, { args: [{ suborderId: id! }] });
    },
  },
  {
    name: 'step-failed-for-good',
    // A write no retry can fix after authorization: void, holds back, FAILED with the reason.
    setUp: oneWarehouseWhere((world) => world.permanentFailures.add('confirmOrder')),
    async run(h) {
      await begin(h, 1);
      await pay(h);
    },
  },
  {
    name: 'void-refused-after-capture',
    // The capture took effect but its step reports the gateway's refusal (an attempt it gave up on captured
    // first): the order fails, its void is refused as captured, and it refunds.
    setUp: oneWarehouseWhere((world) => {
      world.captureRefusedAfterEffect = true;
    }),
    async run(h) {
      await begin(h, 1);
      await pay(h);
    },
  },
  {
    name: 'update-while-a-step-outlives-its-task',
    // The allocation outlives its workflow task: the worker sends the task back unfinished every
    // HEARTBEAT_MS (80% of the task timeout) and takes a new one, which brings the SUBMIT sent meanwhile.
    // The allocation then ends inside that same task. Replay hands the workflow both at once, and the
    // SUBMIT's answer must still come before the next step, as it did live.
    workflowTaskTimeout: '4s',
    setUp: oneWarehouse,
    async run(h, world) {
      let openGate!: () => void;
      world.allocateGate = new Promise((resolve) => {
        openGate = resolve;
      });
      await begin(h, 1);
      await pay(h);
      while (!world.calls.includes('allocateSuborders'))
        await new Promise((resolve) => setTimeout(resolve, 20));
      // Mid-way through the first task: the SUBMIT arrives with the second, the gate opens mid-way through it.
      await new Promise((resolve) => setTimeout(resolve, HEARTBEAT_MS / 2));
      const submitted = h.executeUpdate(submitOrderUpdate);
      await new Promise((resolve) => setTimeout(resolve, HEARTBEAT_MS));
      openGate();
      await submitted;
      const [id] = await suborders(h, 1);
      await h.executeUpdate(shipSuborderUpdate, { args: [{ suborderId: id! }] });
      await h.executeUpdate(deliverSuborderUpdate, { args: [{ suborderId: id! }] });
    },
  },
  {
    name: 'step-past-its-bound',
    // The warehouse never answers: after the step's bound, allocations, holds and money go back.
    setUp: oneWarehouseWhere((world) => (world.warehouseDown = true)),
    async run(h) {
      await placeAndSplit(h, 1, 1);
    },
  },
];

/** What recording needs: a server (the time-skipping one), its CLI, and the workflow code to run. */
export interface Recorder {
  env: TestWorkflowEnvironment;
  temporalCli: string;
  workflowBundle: WorkflowBundleWithSourceMap;
}

export async function createRecorder(workflowsPath = WORKFLOWS_ENTRY): Promise<Recorder> {
  const temporalCli = ensureTemporalCli();
  const env = await createTimeSkippingEnv();
  await registerOrderSearchAttributes(env);
  const workflowBundle = await bundleWorkflows(workflowsPath);
  return { env, temporalCli, workflowBundle };
}

/** Runs one scenario with in-memory activities; returns the order's final status and its history (JSON). */
export async function recordScenario(
  { env, temporalCli, workflowBundle }: Recorder,
  scenario: Scenario,
): Promise<{ status: string; json: string }> {
  const world = newWorld();
  scenario.setUp(world);
  const queue = `record-${scenario.name}-${randomUUID().slice(0, 8)}`;
  const orderWorker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: queue,
    workflowBundle,
    activities: fakeOrderWorkerActivities(world),
  });
  const warehouseWorker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: `${queue}-warehouse`,
    activities: fakeWarehouseActivities(world),
  });
  const orderId = `ord_${randomUUID().replaceAll('-', '')}`;
  return await warehouseWorker.runUntil(
    orderWorker.runUntil(async () => {
      const handle = await env.client.workflow.start<typeof orderWorkflowV3>(ORDER_WORKFLOW_TYPE, {
        workflowId: orderWorkflowId(orderId),
        taskQueue: queue,
        ...(scenario.workflowTaskTimeout ? { workflowTaskTimeout: scenario.workflowTaskTimeout } : {}),
        args: [
          {
            orderId,
            customerId: 'c-recorded',
            reservationTtlSeconds: 300,
            publicBaseUrl: 'http://shop.test',
            warehouseTaskQueue: `${queue}-warehouse`,
          },
        ],
      });
      await scenario.run(handle, world);
      const final = await handle.result();
      const json = recordedHistory({ env, temporalCli, workflowBundle }, orderWorkflowId(orderId));
      return { status: final.status, json };
    }),
  );
}

/** A finished workflow's history as the replayer reads it, through the operator's way to export one. */
export function recordedHistory({ env, temporalCli }: Recorder, workflowId: string): string {
  const json = execFileSync(
    temporalCli,
    [
      'workflow',
      'show',
      '--address',
      env.connection.options.address,
      '--workflow-id',
      workflowId,
      '--output',
      'json',
    ],
    { encoding: 'utf8' },
  );
  // Stack traces in failures name this checkout's path; recorded histories must not.
  const portable = json.replaceAll(`${PROJECT_ROOT}/`, '/project/');
  return portable.endsWith('\n') ? portable : `${portable}\n`;
}

/** Records every scenario, or only those named on the command line. */
async function main(names: readonly string[]): Promise<void> {
  const unknown = names.filter((name) => !SCENARIOS.some((s) => s.name === name));
  if (unknown.length > 0) throw new Error(`no scenario ${unknown.join(', ')}`);
  const chosen = names.length === 0 ? SCENARIOS : SCENARIOS.filter((s) => names.includes(s.name));
  const recorder = await createRecorder();
  fs.mkdirSync(HISTORIES_DIR, { recursive: true });
  try {
    for (const scenario of chosen) {
      const { status, json } = await recordScenario(recorder, scenario);
      fs.writeFileSync(path.join(HISTORIES_DIR, `${scenario.name}.json`), json);
      console.log(`${scenario.name}: ${status}`);
    }
  } finally {
    await recorder.env.teardown();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main(process.argv.slice(2));
}
