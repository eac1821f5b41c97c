/**
 * The no-op flow of the ceiling benchmark: the order's durable shape (bench/ceiling/flow-shape.ts) with
 * activities that do nothing. Deterministic workflow code: bundled by the ceiling worker.
 */
import {
  allHandlersFinished,
  condition,
  executeChild,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { ceilingActivities } from './ceiling-activities.js';
import {
  ceilingBeginUpdate,
  ceilingChildId,
  ceilingPaymentUpdate,
  ceilingSubmitUpdate,
} from './definitions.js';
import type { FlowShape, StepCounts } from './flow-shape.js';

const remote = proxyActivities<typeof ceilingActivities>({ startToCloseTimeout: '1 minute' });
const local = proxyLocalActivities<typeof ceilingActivities>({ startToCloseTimeout: '1 minute' });

async function runSteps(counts: StepCounts): Promise<void> {
  for (let i = 0; i < counts.activities; i++) await remote.noop();
  for (let i = 0; i < counts.localActivities; i++) await local.noop();
}

export async function ceilingFlow(shape: FlowShape): Promise<void> {
  let paid = false;
  let submitAnswerable = false;
  let submitted = false;
  setHandler(ceilingBeginUpdate, async () => {
    await runSteps(shape.begin);
    return 'begun';
  });
  setHandler(ceilingPaymentUpdate, async () => {
    await runSteps(shape.payment);
    paid = true;
    return 'paid';
  });
  setHandler(ceilingSubmitUpdate, async () => {
    submitted = true;
    await condition(() => submitAnswerable);
    return 'placed';
  });

  await condition(() => paid);
  await runSteps(shape.beforeSubmitAnswer);
  submitAnswerable = true;
  await runSteps(shape.afterSubmitAnswer);
  if (shape.child) {
    await executeChild(ceilingChildFlow, {
      workflowId: ceilingChildId(workflowInfo().workflowId),
      args: [shape.child],
    });
  }
  // Like an order, which stays open for its warehouses, the flow is there for its SUBMIT however fast
  // its steps ran.
  await condition(() => submitted);
  await condition(allHandlersFinished);
}

export async function ceilingChildFlow(counts: StepCounts): Promise<void> {
  await runSteps(counts);
}
