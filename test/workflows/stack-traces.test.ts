/**
 * The SDK patch (scripts/patch-dependencies.mjs) records workflow promise stacks only when
 * WORKFLOW_STACK_TRACES=1: by default the order worker skips that cost, and the `__stack_trace` query
 * (the Web UI's Stack Trace tab) is refused; with the flag it shows where the workflow waits.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker } from '@temporalio/worker';
// @ts-expect-error plain .mjs without type declarations
import { isPatched } from '../../scripts/patch-dependencies.mjs';
import { newTemporalClient, testStack } from '../support/stack.js';
import { finishSignal } from './fixtures/waiting-workflow.js';

const WORKFLOWS = fileURLToPath(new URL('./fixtures/waiting-workflow.ts', import.meta.url));

/** The `__stack_trace` answer of a waiting workflow run by a worker started with WORKFLOW_STACK_TRACES=flag. */
async function stackTraceWith(flag: '0' | '1'): Promise<string> {
  const previous = process.env.WORKFLOW_STACK_TRACES;
  // The worker's workflow thread reads the environment it is started with.
  process.env.WORKFLOW_STACK_TRACES = flag;
  const connection = await NativeConnection.connect({ address: testStack().temporalAddress });
  const client = await newTemporalClient();
  const taskQueue = `stack-traces-${randomUUID()}`;
  try {
    const worker = await Worker.create({ connection, taskQueue, workflowsPath: WORKFLOWS });
    return await worker.runUntil(async () => {
      const handle = await client.workflow.start('waitsUntilFinished', {
        taskQueue,
        workflowId: `stack-trace-${randomUUID()}`,
      });
      try {
        return await handle.query<string>('__stack_trace');
      } finally {
        await handle.signal(finishSignal);
        await handle.result();
      }
    });
  } finally {
    if (previous === undefined) delete process.env.WORKFLOW_STACK_TRACES;
    else process.env.WORKFLOW_STACK_TRACES = previous;
    await client.connection.close();
    await connection.close();
  }
}

describe('workflow stack traces (WORKFLOW_STACK_TRACES)', function () {
  this.timeout(120_000);

  it('the SDK is patched', () => {
    assert.equal(isPatched('@temporalio/worker', 'lib/workflow/vm-shared.js'), true);
  });

  it('are off by default and on with WORKFLOW_STACK_TRACES=1', async () => {
    await assert.rejects(stackTraceWith('0'), /stack traces are not enabled/);
    const on = await stackTraceWith('1');
    assert.match(on, /waiting-workflow/);
  });
});
