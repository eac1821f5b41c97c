import assert from 'node:assert/strict';
import v8 from 'node:v8';
import { Worker } from 'node:worker_threads';
import { loadConfig } from '../../config/env.js';
import { limitWorkflowHeap } from '../../workers/worker-tuning.js';

const BASE = { SHARD_URLS: 'postgres://a@127.0.0.1:1/orders' };
const MiB = 2 ** 20;

describe('worker tuning', () => {
  afterEach(() => v8.setFlagsFromString('--max-old-space-size=0')); // V8's own default again

  it('bounds the heap of a workflow thread started afterwards, not the running one', async () => {
    const mainBefore = v8.getHeapStatistics().heap_size_limit;
    limitWorkflowHeap(loadConfig({ ...BASE, WORKER_MAX_WORKFLOW_HEAP_MIB: '200' }).worker);
    const thread = new Worker(
      `const { parentPort } = require('node:worker_threads');
       parentPort.postMessage(require('node:v8').getHeapStatistics().heap_size_limit)`,
      { eval: true },
    );
    const limit = await new Promise<number>((resolve, reject) => {
      thread.once('message', resolve);
      thread.once('error', reject);
    });
    await thread.terminate();
    // Old space as configured, plus the young generation V8 sizes from it.
    assert.ok(limit / MiB >= 200 && limit / MiB < 300, `thread heap limit ${limit / MiB} MiB`);
    assert.equal(v8.getHeapStatistics().heap_size_limit, mainBefore);
  });

  it('defaults to 384 MiB', () => {
    assert.equal(loadConfig(BASE).worker.maxWorkflowHeapMiB, 384);
    assert.throws(
      () => loadConfig({ ...BASE, WORKER_MAX_WORKFLOW_HEAP_MIB: '0' }),
      /WORKER_MAX_WORKFLOW_HEAP_MIB/,
    );
  });
});
