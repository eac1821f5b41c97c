/**
 * The time-skipping test server (Java, from Maven Central; see scripts/install-time-skipping-server.mjs)
 * runs a 5-minute workflow timer in a moment of wall time. The first run installs the server.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createTimeSkippingEnv } from '../support/time-skipping.js';
import type { sleepyWorkflow } from './fixtures/sleepy-workflow.js';

const WORKFLOWS_PATH = fileURLToPath(new URL('./fixtures/sleepy-workflow.ts', import.meta.url));
const FIVE_MINUTES_MS = 5 * 60_000;

describe('time-skipping test server', function () {
  this.timeout(120_000);
  let env: TestWorkflowEnvironment | undefined;

  before(async function () {
    this.timeout(600_000); // the first run resolves the server's jars with Maven
    const started = performance.now();
    env = await createTimeSkippingEnv();
    console.log(`    time-skipping test server ready in ${Math.round(performance.now() - started)} ms`);
  });

  after(async () => {
    await env?.teardown();
  });

  it('runs a workflow that sleeps 5 minutes in seconds of wall time', async () => {
    const testEnv = env!;
    const taskQueue = `time-skipping-${randomUUID()}`;
    const worker = await Worker.create({
      connection: testEnv.nativeConnection,
      taskQueue,
      workflowsPath: WORKFLOWS_PATH,
    });

    const serverTimeBefore = await testEnv.currentTimeMs();
    const wallStart = performance.now();
    const result = await worker.runUntil(
      testEnv.client.workflow.execute<typeof sleepyWorkflow>('sleepyWorkflow', {
        taskQueue,
        workflowId: `sleepy-${randomUUID()}`,
      }),
    );
    const wallMs = performance.now() - wallStart;
    const serverTimeAfter = await testEnv.currentTimeMs();

    assert.ok(
      result.wokeAtMs - result.startedAtMs >= FIVE_MINUTES_MS,
      `workflow clock advanced only ${result.wokeAtMs - result.startedAtMs} ms`,
    );
    assert.ok(
      serverTimeAfter - serverTimeBefore >= FIVE_MINUTES_MS,
      `server clock advanced only ${serverTimeAfter - serverTimeBefore} ms`,
    );
    assert.ok(wallMs < 30_000, `the 5-minute sleep took ${Math.round(wallMs)} ms of wall time`);
  });
});
