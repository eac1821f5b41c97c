import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { replayStoredHistories, staleHistoriesAdvice } from '../../scripts/lib/stored-histories.js';
import { testRunDir } from '../support/run-dir.js';
import { newTemporalClient, testStack } from '../support/stack.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error };

async function bundle(fixture: string): Promise<string> {
  const { code } = await bundleWorkflowCode({ workflowsPath: path.join(FIXTURES, fixture), logger: quiet });
  const file = path.join(testRunDir(), `${fixture}-${process.hrtime.bigint()}.js`);
  fs.writeFileSync(file, code);
  return file;
}

describe('npm start: running workflows stored by the Temporal server are replayed before workers start', function () {
  this.timeout(120_000);
  const workflowId = `stored-history-probe-${process.hrtime.bigint()}`;
  const query = `WorkflowId="${workflowId}" AND ExecutionStatus="Running"`;
  let v1: string;
  let v2: string;

  before(async () => {
    [v1, v2] = await Promise.all([bundle('probe-v1.ts'), bundle('probe-v2.ts')]);
    const client = await newTemporalClient();
    const taskQueue = `stored-histories-${process.hrtime.bigint()}`;
    const connection = await NativeConnection.connect({ address: testStack().temporalAddress });
    const worker = await Worker.create({ connection, taskQueue, workflowBundle: { codePath: v1 } });
    await worker.runUntil(async () => {
      const handle = await client.workflow.start('storedHistoryProbe', { workflowId, taskQueue });
      // Recorded once the first workflow task has completed and started the timer.
      for (;;) {
        const { events } = await handle.fetchHistory();
        if (events?.some((e) => e.timerStartedEventAttributes)) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    });
    await connection.close();
    // Visibility is eventually consistent: wait until the list query sees the workflow.
    for (let i = 0; i < 100; i++) {
      if ((await client.workflow.count(query)).count === 1) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });

  after(async () => {
    const client = await newTemporalClient();
    await client.workflow
      .getHandle(workflowId)
      .terminate('test over')
      .catch(() => {});
  });

  it('finds nothing stale when the code is the one that recorded the history', async () => {
    const check = await replayStoredHistories({
      address: testStack().temporalAddress,
      namespace: 'default',
      bundlePath: v1,
      query,
    });
    assert.deepEqual(check, { checked: 1, stale: [] });
  });

  it('names the workflow, the cause and the ways out when the code changed incompatibly', async () => {
    const check = await replayStoredHistories({
      address: testStack().temporalAddress,
      namespace: 'default',
      bundlePath: v2,
      query,
    });
    assert.equal(check.checked, 1);
    assert.equal(check.stale.length, 1);
    assert.equal(check.stale[0]!.workflowId, workflowId);
    assert.match(check.stale[0]!.reason, /activity|timer/i);
    const advice = staleHistoriesAdvice(check, {
      temporalAddress: '127.0.0.1:7233',
      dbFile: '.data/temporal.db',
      dataDir: '.data',
    });
    assert.match(advice, /1 of the 1 running workflows stored in \.data\/temporal\.db no longer replay/);
    assert.match(advice, new RegExp(workflowId));
    assert.match(advice, /workflow terminate --query/);
    assert.match(advice, /remove \.data/);
    assert.doesNotMatch(advice, /\n\s+at /, 'no stack trace');
  });
});
