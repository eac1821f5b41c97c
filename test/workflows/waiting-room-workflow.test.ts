/**
 * The waiting room workflow with an in-memory stock read on the time-skipping test server: admission in
 * ticket order at the rate, sell-out, the admission window, ending, and the queue carried through
 * continueAsNew.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import {
  configureRoomUpdate,
  endRoomUpdate,
  joinQueueUpdate,
  roomViewQuery,
  ticketStatusQuery,
  WAITING_ROOM_WORKFLOW_TYPE,
  waitingRoomWorkflowId,
} from '../../workflows/definitions.js';
import type { JoinRequest, WaitingRoomInput } from '../../workflows/waiting-room/types.js';
import type { waitingRoomWorkflow } from '../../workflows/waiting-room/waiting-room-workflow.js';
import { createTimeSkippingEnv } from '../support/time-skipping.js';
import { bundleWorkflows } from '../support/workflow-bundles.js';

const customers = (n: number, prefix = 'c') => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
const KEY = '0123456789abcdef';
const joining = (customerIds: string[]): [JoinRequest] => [
  { shoppers: customerIds.map((customerId) => ({ customerId, key: KEY })) },
];

describe('waiting room workflow (in-memory stock, time-skipping server)', function () {
  this.timeout(120_000);
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundleWithSourceMap;

  before(async function () {
    this.timeout(600_000);
    [env, bundle] = await Promise.all([createTimeSkippingEnv(), bundleWorkflows()]);
  });

  after(async () => {
    await env?.teardown();
  });

  /** Runs `body` with a worker whose stock read answers `stock.units`, and a room started for it. */
  async function withRoom<T>(
    settings: Omit<WaitingRoomInput, 'itemId'>,
    stock: { units: number },
    body: (room: ReturnType<typeof env.client.workflow.getHandle<typeof waitingRoomWorkflow>>) => Promise<T>,
  ): Promise<T> {
    const taskQueue = `rooms-${randomUUID().slice(0, 8)}`;
    const itemId = `item-${randomUUID().slice(0, 8)}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: bundle,
      activities: { availableUnits: async () => stock.units },
    });
    return worker.runUntil(async () => {
      const room = await env.client.workflow.start<typeof waitingRoomWorkflow>(WAITING_ROOM_WORKFLOW_TYPE, {
        workflowId: waitingRoomWorkflowId(itemId),
        taskQueue,
        args: [{ itemId, ...settings }],
      });
      return body(room);
    });
  }

  it('admits in ticket order at the rate, and closes when the item sells out', async () => {
    const stock = { units: 5 };
    await withRoom({ admitPerSecond: 2, admissionWindowSeconds: 60 }, stock, async (room) => {
      const joined = await room.executeUpdate(joinQueueUpdate, { args: joining(customers(6)) });
      assert.deepEqual(
        joined.map((j) => [j.sequence, j.position]),
        customers(6).map((_, i) => [i, i + 1]),
      );
      await env.sleep('1200 milliseconds');
      const view = await room.query(roomViewQuery);
      assert.ok(view.admittedThrough >= 1 && view.admittedThrough <= 3, JSON.stringify(view));
      const statuses = await Promise.all(joined.map((j) => room.query(ticketStatusQuery, j.ticket)));
      assert.deepEqual(
        statuses.map((s) => s.status),
        joined.map((j) => (j.sequence < view.admittedThrough ? 'admitted' : 'waiting')),
      );
      stock.units = 0;
      const last = await room.result();
      assert.deepEqual(last.closed, { reason: 'sold-out' });
      assert.ok(last.admittedThrough < 6, 'the rest were never admitted');
    });
  });

  it('drops an admitted ticket once its window is over', async () => {
    await withRoom({ admitPerSecond: 10, admissionWindowSeconds: 5 }, { units: 5 }, async (room) => {
      const [ticket] = await room.executeUpdate(joinQueueUpdate, { args: joining(['c-1']) });
      await env.sleep('1 second');
      assert.equal((await room.query(ticketStatusQuery, ticket!.ticket)).status, 'admitted');
      await env.sleep('6 seconds');
      assert.deepEqual(await room.query(ticketStatusQuery, ticket!.ticket), { status: 'expired' });
      const ended = await room.executeUpdate(endRoomUpdate);
      assert.deepEqual(ended.closed, { reason: 'ended' });
      assert.deepEqual((await room.result()).closed, { reason: 'ended' });
    });
  });

  it('carries its queue through continueAsNew: tickets keep their places and admission goes on', async () => {
    const settings = { admitPerSecond: 0, admissionWindowSeconds: 60, continueAsNewAfterEvents: 20 };
    await withRoom(settings, { units: 100 }, async (room) => {
      const firstRun = (await room.describe()).runId;
      const joined = [];
      for (let batch = 0; batch < 8; batch++) {
        const ids = customers(3, `b${batch}`);
        joined.push(...(await room.executeUpdate(joinQueueUpdate, { args: joining(ids) })));
      }
      assert.notEqual((await room.describe()).runId, firstRun, 'the room continued as new');
      assert.deepEqual(
        joined.map((j) => j.sequence),
        joined.map((_, i) => i),
      );
      const again = await room.executeUpdate(joinQueueUpdate, { args: joining(['b0-1']) });
      assert.equal(again[0]?.ticket, joined[1]?.ticket, 'a ticket from the first run is still known');
      await room.executeUpdate(configureRoomUpdate, { args: [{ admitPerSecond: 100 }] });
      await env.sleep('2 seconds');
      const view = await room.query(roomViewQuery);
      assert.equal(view.admittedThrough, joined.length);
      assert.equal((await room.query(ticketStatusQuery, joined[0]!.ticket)).status, 'admitted');
      await room.executeUpdate(endRoomUpdate);
    });
  });
});
