/**
 * Every recorded history (test/histories/, written by `npm run record-histories`) must replay against
 * today's workflow code: a change that would break an order in flight fails here. Histories recorded
 * before a patched() change are kept with a `v<N>.` prefix, so both sides of every patch are replayed. A mutated copy of
 * the workflow, with two steps swapped, proves the replay really checks.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  bundleWorkflowCode,
  type ReplayResult,
  Worker,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const HISTORIES = path.join(ROOT, 'test', 'histories');

interface RecordedHistory {
  file: string;
  workflowId: string;
  history: unknown;
}

function recordedHistories(): RecordedHistory[] {
  return fs
    .readdirSync(HISTORIES)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({
      file,
      workflowId: file.replace(/\.json$/, ''),
      history: JSON.parse(fs.readFileSync(path.join(HISTORIES, file), 'utf8')),
    }));
}

async function replayAll(workflowBundle: WorkflowBundleWithSourceMap): Promise<ReplayResult[]> {
  const results: ReplayResult[] = [];
  const histories = recordedHistories().map(({ workflowId, history }) => ({ workflowId, history }));
  for await (const result of Worker.runReplayHistories(
    { workflowBundle, replayName: 'replay-test' },
    histories,
  )) {
    results.push(result);
  }
  return results;
}

/** Copies the workflow sources (and the pure domain code they import) and applies `mutate` to one file. */
function mutantWorkflows(file: string, mutate: (source: string) => string): string {
  const dir = fs.mkdtempSync(path.join(ROOT, '.tmp-replay-mutant-'));
  for (const folder of ['workflows', 'domain']) {
    fs.cpSync(path.join(ROOT, folder), path.join(dir, folder), { recursive: true });
  }
  const target = path.join(dir, 'workflows', file);
  const original = fs.readFileSync(target, 'utf8');
  const mutated = mutate(original);
  assert.notEqual(mutated, original, 'the mutation must change the source');
  fs.writeFileSync(target, mutated);
  return dir;
}

describe('replay: recorded histories against today’s workflow code', function () {
  this.timeout(180_000);

  it('has a history for every branch of the lifecycle', () => {
    const names = recordedHistories().map((h) => h.workflowId);
    for (const branch of [
      'happy-path-delivered',
      'expiry',
      'payment-declined',
      'cancel-before-payment',
      'cancel-after-payment',
      'cancel-refused-after-shipping',
      'partial-shipments',
      'database-outage-retried',
    ]) {
      assert.ok(names.includes(branch), `missing history: ${branch}`);
    }
    assert.ok(
      names.some((n) => n.endsWith('.fulfillment')),
      'the fulfillment child is recorded too',
    );
  });

  it('replays every history without nondeterminism', async () => {
    const workflowBundle = await bundleWorkflowCode({
      workflowsPath: path.join(ROOT, 'workflows', 'index.ts'),
      logger: quietLogger,
    });
    const results = await replayAll(workflowBundle);
    assert.equal(results.length, recordedHistories().length);
    const failures = results.filter((r) => r.error).map((r) => `${r.workflowId}: ${r.error?.message}`);
    assert.deepEqual(failures, []);
  });

  it('fails when a step is reordered (commit the reservations before recording PENDING)', async () => {
    const dir = mutantWorkflows('legacy/order-workflow.ts', (source) =>
      source.replace(
        /(\s*)await moveTo\('PENDING'\);(\s*)(await Promise\.all\(state\.lines\.map\(\(line\) => orderSteps\.commitLine\(\{ orderId, itemId: line\.itemId \}\)\)\);)/,
        "$1$3$2await moveTo('PENDING');",
      ),
    );
    try {
      const workflowBundle = await bundleWorkflowCode({
        workflowsPath: path.join(dir, 'workflows', 'index.ts'),
        logger: quietLogger,
      });
      const results = await replayAll(workflowBundle);
      const broken = results.filter((r) => r.error).map((r) => r.workflowId.replace(/^v\d+\./, ''));
      // Every order that got past payment now diverges, in every recorded version; the others never
      // reach the swapped steps.
      assert.deepEqual([...new Set(broken)].sort(), [
        'cancel-after-payment',
        'cancel-refused-after-shipping',
        'database-outage-retried',
        'happy-path-delivered',
        'partial-shipments',
      ]);
      assert.equal(broken.length, 10, 'both the v1 and the current recordings diverge');
      for (const result of results.filter((r) => r.error)) {
        assert.equal(result.error?.name, 'DeterminismViolationError');
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

const quietLogger = {
  log: () => {},
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: (message: string, meta?: Record<string, unknown>) => console.error(message, meta),
};
