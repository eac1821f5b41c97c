/** Waits until no workflow is running: every order has reached a terminal state. */
import { Client, Connection } from '@temporalio/client';

export interface Quiescence {
  reached: boolean;
  waitedMs: number;
  stillRunning: string[];
}

export async function waitForQuiescence(temporalAddress: string, timeoutMs: number): Promise<Quiescence> {
  const started = Date.now();
  const connection = await Connection.connect({ address: temporalAddress });
  const client = new Client({ connection });
  let stillRunning: string[] = [];
  try {
    while (Date.now() - started < timeoutMs) {
      stillRunning = [];
      for await (const execution of client.workflow.list({ query: 'ExecutionStatus="Running"' })) {
        stillRunning.push(execution.workflowId);
      }
      if (stillRunning.length === 0) return { reached: true, waitedMs: Date.now() - started, stillRunning };
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    return { reached: false, waitedMs: Date.now() - started, stillRunning };
  } finally {
    await connection.close();
  }
}

/** How an order's workflow ended, for a violation: its status and, when it failed, the failure's chain. */
export async function workflowEnding(temporalAddress: string, workflowId: string): Promise<string> {
  const connection = await Connection.connect({ address: temporalAddress });
  try {
    const handle = new Client({ connection }).workflow.getHandle(workflowId);
    const { status } = await handle.describe();
    if (status.name !== 'FAILED') return `workflow ${status.name}`;
    const { events } = await handle.fetchHistory();
    const failure = events?.find((e) => e.workflowExecutionFailedEventAttributes)
      ?.workflowExecutionFailedEventAttributes?.failure;
    const chain: string[] = [];
    for (let f = failure; f; f = f.cause ?? undefined)
      chain.push(`${f.applicationFailureInfo?.type ?? ''} ${f.message}`.trim());
    return `workflow FAILED: ${chain.join(' ← ')}`;
  } catch (error) {
    return `workflow not described: ${String(error)}`;
  } finally {
    await connection.close();
  }
}
