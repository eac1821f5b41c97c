/**
 * Drives the ceiling flow straight through the Temporal client, as the API drives an order: BEGIN as
 * update-with-start, then the payment and SUBMIT updates, `concurrency` flows at a time.
 */
import { randomUUID } from 'node:crypto';
import { type Client, WithStartWorkflowOperation } from '@temporalio/client';
import { runClosedLoop } from '../checkout/closed-loop.js';
import { LatencyRecorder, type LatencySummary } from '../checkout/latency.js';
import { startProgress } from '../checkout/progress.js';
import type { ceilingFlow } from './ceiling-workflow.js';
import {
  CEILING_TASK_QUEUE,
  CEILING_WORKFLOW_TYPE,
  ceilingBeginUpdate,
  ceilingChildId,
  ceilingPaymentUpdate,
  ceilingSubmitUpdate,
} from './definitions.js';
import type { FlowShape } from './flow-shape.js';

export type CeilingStep = 'begin' | 'payment' | 'submit';

export interface CeilingResult {
  seconds: number;
  flowsPerSecond: number;
  flows: number;
  errors: number;
  errorSamples: string[];
  latency: Record<CeilingStep, LatencySummary>;
  /** Workflow ids of every completed flow, with its child's. */
  flowIds: string[][];
}

export async function runCeiling(
  client: Client,
  options: { phase: string; shape: FlowShape; concurrency: number; seconds: number },
): Promise<CeilingResult> {
  const latency = new LatencyRecorder<CeilingStep>();
  const flowIds: string[][] = [];
  const errorSamples: string[] = [];
  let errors = 0;
  const stop = startProgress(options.phase, 'flows', { done: () => flowIds.length, errors: () => errors });
  const flow = async () => {
    const workflowId = `ceiling-${randomUUID()}`;
    await latency.time('begin', () =>
      client.workflow.executeUpdateWithStart(ceilingBeginUpdate, {
        startWorkflowOperation: new WithStartWorkflowOperation<typeof ceilingFlow>(CEILING_WORKFLOW_TYPE, {
          workflowId,
          taskQueue: CEILING_TASK_QUEUE,
          workflowIdConflictPolicy: 'USE_EXISTING',
          args: [options.shape],
        }),
      }),
    );
    const handle = client.workflow.getHandle(workflowId);
    await latency.time('payment', () => handle.executeUpdate(ceilingPaymentUpdate));
    await latency.time('submit', () => handle.executeUpdate(ceilingSubmitUpdate));
    flowIds.push([workflowId, ...(options.shape.child ? [ceilingChildId(workflowId)] : [])]);
  };
  try {
    const run = await runClosedLoop({
      concurrency: options.concurrency,
      seconds: options.seconds,
      iteration: () =>
        flow().catch((error: unknown) => {
          errors++;
          if (errorSamples.length < 5) errorSamples.push(String(error).slice(0, 300));
        }),
    });
    return {
      seconds: run.seconds,
      flowsPerSecond: flowIds.length / run.seconds,
      flows: flowIds.length,
      errors,
      errorSamples,
      latency: latency.summaries(['begin', 'payment', 'submit']),
      flowIds,
    };
  } finally {
    stop();
  }
}
