/**
 * The local stack as `npm start` runs it supervises its children: a killed order worker or shard is
 * restarted on its own, and an order in flight when the worker died completes.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { freeStackPorts, LaunchedStack, READY_LINE } from '../../scripts/lib/launched-stack.js';
import { descendantsOf } from '../../scripts/lib/process-tree.js';
import { PROJECT_ROOT } from '../../scripts/lib/project-paths.js';
import { expectStatus, ShopperClient } from '../../scripts/lib/shopper-client.js';
import { testRunDir } from '../support/run-dir.js';

function pidRunning(root: number, fragment: string): number {
  const pid = descendantsOf(root).find((p) => {
    try {
      return fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').join(' ').includes(fragment);
    } catch {
      return false;
    }
  });
  assert.ok(pid, `no process running ${fragment}`);
  return pid;
}

describe('npm start supervises its processes', function () {
  this.timeout(300_000);
  let stack: LaunchedStack;
  let shopper: ShopperClient;

  before(async () => {
    const dataDir = fs.mkdtempSync(path.join(testRunDir(), 'supervised-'));
    fs.chmodSync(dataDir, 0o755);
    const ports = await freeStackPorts();
    const env = { ...process.env, ...ports, DATA_DIR: dataDir, SEED_ITEMS: '40' };
    stack = new LaunchedStack(
      process.execPath,
      ['--import', 'tsx', path.join(PROJECT_ROOT, 'scripts', 'start-stack.ts')],
      env,
    );
    await stack.waitFor(READY_LINE, 240_000);
    shopper = ShopperClient.forCustomer(`http://127.0.0.1:${ports['API_PORT']}`, 'c-supervised', env);
  });

  after(async () => {
    stack.interrupt();
    await Promise.race([stack.exited, new Promise((resolve) => setTimeout(resolve, 30_000))]);
    stack.kill();
  });

  it('restarts a killed order worker, and the order in flight when it died is placed', async () => {
    const begun = expectStatus('BEGIN', await shopper.begin(await shopper.itemInStock()), 201);
    expectStatus('payment', await shopper.pay(String(begun['paymentUrl'])), 202);

    process.kill(pidRunning(stack.pid, 'workers/order-worker.ts'), 'SIGKILL');
    await stack.waitFor(/order-worker exited unexpectedly \(SIGKILL\); restarting it/, 10_000);

    const submitted = expectStatus('SUBMIT', await shopper.submit(String(begun['orderId'])), 200);
    assert.equal(submitted['status'], 'PENDING');
    assert.ok(stack.has('order-worker restarted'));
  });

  it('restarts a killed shard on its data, and checkout works again', async () => {
    process.kill(pidRunning(stack.pid, 'shard-0'), 'SIGKILL');
    await stack.waitFor(/shard-0 exited unexpectedly \(SIGKILL\); restarting it/, 10_000);
    await stack.waitFor('shard-0 restarted', 60_000);

    const begun = expectStatus('BEGIN', await shopper.begin(await shopper.itemInStock()), 201);
    expectStatus('payment', await shopper.pay(String(begun['paymentUrl'])), 202);
    const submitted = expectStatus('SUBMIT', await shopper.submit(String(begun['orderId'])), 200);
    assert.equal(submitted['status'], 'PENDING');
  });
});
