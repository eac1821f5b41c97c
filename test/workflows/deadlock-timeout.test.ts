/**
 * The SDK patch (scripts/patch-dependencies.mjs) gives calls into the workflow sandbox a time limit only when
 * WORKFLOW_DEADLOCK_TIMEOUT_SECONDS is above 0: with a limit, a workflow task that keeps the thread busy
 * longer fails as deadlocked; with 0 (the default), the same work runs to its end.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker } from '@temporalio/worker';
// @ts-expect-error plain .mjs without type declarations
import { isPatched } from '../../scripts/patch-dependencies.mjs';
import { newTemporalClient, testStack } from '../support/stack.js';
import { spin } from './fixtures/spinning-workflow.js';

const WORKFLOWS = fileURLToPath(new URL('./fixtures/spinning-workflow.ts', import.meta.url));

/** Turns of `spin` that take at least `ms` on this machine. */
function turnsFor(ms: number): number {
  let turns = 1_000_000;
  for (;;) {
    const started = performance.now();
    spin(turns);
    const took = performance.now() - started;
    if (took >= ms / 4) return Math.ceil((turns * ms) / took);
    turns *= 4;
  }
}

type Outcome = { completed: true; result: number } | { completed: false; failure: string };

/** Runs spinsFor(turns) on a worker started with the given limit; the first workflow task's fate. */
async function spinWith(limitSeconds: string, turns: number): Promise<Outcome> {
  const previous = process.env.WORKFLOW_DEADLOCK_TIMEOUT_SECONDS;
  // The worker's workflow thread reads the environment it is started with.
  process.env.WORKFLOW_DEADLOCK_TIMEOUT_SECONDS = limitSeconds;
  const connection = await NativeConnection.connect({ address: testStack().temporalAddress });
  const client = await newTemporalClient();
  const taskQueue = `deadlock-${randomUUID()}`;
  try {
    const worker = await Worker.create({ connection, taskQueue, workflowsPath: WORKFLOWS });
    return await worker.runUntil(async () => {
      const handle = await client.workflow.start('spinsFor', {
        taskQueue,
        workflowId: `deadlock-${randomUUID()}`,
        args: [turns],
      });
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        const events = (await handle.fetchHistory()).events ?? [];
        const failed = events.find((e) => e.workflowTaskFailedEventAttributes);
        if (failed) {
          await handle.terminate('test over');
          return {
            completed: false,
            failure: failed.workflowTaskFailedEventAttributes?.failure?.message ?? '',
          };
        }
        if (events.some((e) => e.workflowExecutionCompletedEventAttributes)) {
          return { completed: true, result: await handle.result() };
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      throw new Error('the workflow neither completed nor failed a task within 60 s');
    });
  } finally {
    if (previous === undefined) delete process.env.WORKFLOW_DEADLOCK_TIMEOUT_SECONDS;
    else process.env.WORKFLOW_DEADLOCK_TIMEOUT_SECONDS = previous;
    await client.connection.close();
    await connection.close();
  }
}

describe('workflow deadlock limit (WORKFLOW_DEADLOCK_TIMEOUT_SECONDS)', function () {
  this.timeout(180_000);

  it('the SDK is patched', () => {
    assert.equal(isPatched('@temporalio/worker', 'lib/workflow/reusable-vm.js'), true);
    assert.equal(isPatched('@temporalio/worker', 'lib/workflow/vm.js'), true);
  });

  it('a task busy past the limit fails as deadlocked; with 0 the same work completes', async () => {
    const turns = turnsFor(1_500);
    const limited = await spinWith('0.2', turns);
    assert.equal(limited.completed, false, JSON.stringify(limited));
    assert.match(limited.completed ? '' : limited.failure, /timed out|deadlock/i);
    const unlimited = await spinWith('0', turns);
    assert.deepEqual(unlimited, { completed: true, result: spin(turns) });
  });
});
