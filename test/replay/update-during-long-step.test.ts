/**
 * An update answered while a local step outlives its workflow task. The worker keeps such a task alive by
 * sending it back unfinished and taking a new one; an update in the new task is handled at once, and the
 * step ends later in the same task. Replay hands the workflow the update and the step's result together,
 * so unless the order lets its message handlers answer before it acts on a step's result, replay issues
 * the next step before the update's answer, the opposite of the history, and the order is stuck for good.
 *
 * Both sides run for real on the time-skipping server: today's code records a history that replays, and a
 * copy without the guard records one that does not (the test would catch the guard's removal).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { Worker } from '@temporalio/worker';
import { createRecorder, type Recorder, recordScenario, SCENARIOS } from '../../scripts/record-histories.js';
import { bundleWorkflows, mutantWorkflows } from '../support/workflow-bundles.js';

const SCENARIO = SCENARIOS.find((s) => s.name === 'update-while-a-step-outlives-its-task')!;

interface HistoryEvent {
  eventType: string;
  markerRecordedEventAttributes?: { details?: { data?: { payloads?: { data: string }[] } } };
  workflowExecutionUpdateAcceptedEventAttributes?: { acceptedRequest: { input: { name: string } } };
}

/** The ordinal of the workflow task that recorded an event: how many tasks completed before it. */
function taskOf(events: HistoryEvent[], matches: (e: HistoryEvent) => boolean): number {
  let completed = 0;
  for (const event of events) {
    if (event.eventType === 'EVENT_TYPE_WORKFLOW_TASK_COMPLETED') completed++;
    else if (matches(event)) return completed;
  }
  throw new Error('event not in the history');
}

function localStepType(event: HistoryEvent): string | undefined {
  const data = event.markerRecordedEventAttributes?.details?.data?.payloads?.[0]?.data;
  if (!data) return undefined;
  return (JSON.parse(Buffer.from(data, 'base64').toString('utf8')) as { activity_type?: string })
    .activity_type;
}

/** Records the scenario with the given workflow code and replays the history against the same code. */
async function recordAndReplay(recorder: Recorder) {
  const { status, json } = await recordScenario(recorder, SCENARIO);
  const history = JSON.parse(json) as { events: HistoryEvent[] };
  const allocationTask = taskOf(history.events, (e) => localStepType(e) === 'allocateSuborders');
  const submitTask = taskOf(
    history.events,
    (e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest.input.name === 'submitOrder',
  );
  const replay = await Worker.runReplayHistory(
    { workflowBundle: recorder.workflowBundle, replayName: 'update-during-long-step' },
    history,
  ).then(
    () => undefined,
    (error: Error) => error,
  );
  return { status, allocationTask, submitTask, replay };
}

describe('replay: an update answered while a local step outlives its workflow task', function () {
  this.timeout(300_000);
  let recorder: Recorder;

  before(async () => {
    recorder = await createRecorder();
  });

  after(async () => {
    await recorder?.env.teardown();
  });

  it('replays: the update’s answer comes before the next step, as it did live', async () => {
    const run = await recordAndReplay(recorder);
    assert.equal(run.status, 'DELIVERED');
    assert.equal(run.submitTask, run.allocationTask, 'the SUBMIT and the allocation share a workflow task');
    assert.equal(run.replay, undefined);
  });

  it('does not replay without the guard (the race this test exists for)', async () => {
    const { dir, workflowsPath } = mutantWorkflows('order/steps.ts', (source) =>
      // The steps as the proxies give them, with no pause after each.
      source.replace('return new Proxy(steps, {', 'if (steps) return steps;\n  return new Proxy(steps, {'),
    );
    try {
      const workflowBundle = await bundleWorkflows(workflowsPath);
      const run = await recordAndReplay({ ...recorder, workflowBundle });
      assert.equal(run.status, 'DELIVERED');
      assert.equal(run.submitTask, run.allocationTask);
      assert.equal(run.replay?.name, 'DeterminismViolationError');
      assert.match(run.replay?.message ?? '', /UpdateCompleted|does not handle this event/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
