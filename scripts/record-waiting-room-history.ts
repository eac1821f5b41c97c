/**
 * Records a history of the waiting room workflow into test/histories/waiting-room.sold-out.json, for the
 * replay test: shoppers join in two batches, an operator raises the rate from 0, the room admits a few
 * ticks' worth, admitted tickets expire, and the item sells out with shoppers still waiting. Run after a deliberate change of the workflow:
 *   npx tsx scripts/record-waiting-room-history.ts
 * Like record-histories.ts, it runs the real workflow code with an in-memory stock read on the
 * time-skipping test server.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { createTimeSkippingEnv } from '../test/support/time-skipping.js';
import { bundleWorkflows } from '../test/support/workflow-bundles.js';
import {
  configureRoomUpdate,
  joinQueueUpdate,
  WAITING_ROOM_WORKFLOW_TYPE,
  waitingRoomWorkflowId,
} from '../workflows/definitions.js';
import type { waitingRoomWorkflow } from '../workflows/waiting-room/waiting-room-workflow.js';
// @ts-expect-error plain .mjs without type declarations
import { ensureTemporalCli } from './install-temporal-cli.mjs';
import { HISTORIES_DIR } from './record-histories.js';

const FILE = 'waiting-room.sold-out.json';

const joining = (...customerIds: string[]) =>
  [{ shoppers: customerIds.map((customerId) => ({ customerId, key: '0123456789abcdef' })) }] as const;

const temporalCli: string = ensureTemporalCli();
const env = await createTimeSkippingEnv();
try {
  const stock = { units: 10 };
  const taskQueue = `record-waiting-room-${randomUUID().slice(0, 8)}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await bundleWorkflows(),
    activities: { availableUnits: async () => stock.units },
  });
  const workflowId = waitingRoomWorkflowId('item-recorded');
  const closed = await worker.runUntil(async () => {
    const room = await env.client.workflow.start<typeof waitingRoomWorkflow>(WAITING_ROOM_WORKFLOW_TYPE, {
      workflowId,
      taskQueue,
      args: [{ itemId: 'item-recorded', admitPerSecond: 0, admissionWindowSeconds: 1 }],
    });
    await room.executeUpdate(joinQueueUpdate, { args: [...joining('c-1', 'c-2')] });
    await room.executeUpdate(joinQueueUpdate, {
      args: [...joining('c-3', 'c-2', 'c-4', 'c-5', 'c-6', 'c-7', 'c-8')],
    });
    await room.executeUpdate(configureRoomUpdate, { args: [{ admitPerSecond: 2 }] });
    await env.sleep('2 seconds');
    stock.units = 0;
    return (await room.result()).closed;
  });
  if (closed?.reason !== 'sold-out') throw new Error(`the room closed ${JSON.stringify(closed)}`);
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
  fs.writeFileSync(path.join(HISTORIES_DIR, FILE), json.endsWith('\n') ? json : `${json}\n`);
  console.log(`${FILE}: ${closed.reason}`);
} finally {
  await env.teardown();
}
