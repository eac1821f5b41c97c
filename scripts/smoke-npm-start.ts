/**
 * `node --import tsx scripts/smoke-npm-start.ts`: proves the README's first command. Runs `npm start` on
 * free ports, waits for `ready`, checks /health, places one order over HTTP (BEGIN → payment URL →
 * SUBMIT, expecting 200 PENDING), sends SIGINT as Ctrl-C would, and fails if any process `npm start`
 * started is still alive 30 s later. CI runs it from its clean clone before `npm test`.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { descendantsOf, isAlive } from './lib/process-tree.js';
import { PROJECT_ROOT } from './lib/project-paths.js';
import { freePort, freePortRun } from './lib/shard-cluster.js';

const READY_TIMEOUT_MS = 20 * 60_000;
const EXIT_GRACE_MS = 30_000;
const READY_LINE = '[start] ready';

const say = (message: string) => console.log(`[smoke] ${message}`);

function fail(message: string): never {
  throw new Error(message);
}

async function startStack(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; ready: Promise<void> }> {
  const child = spawn('npm', ['start'], { cwd: PROJECT_ROOT, env, detached: true, stdio: 'pipe' });
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('npm start did not print ready in time')),
      READY_TIMEOUT_MS,
    );
    let buffered = '';
    const onData = (chunk: Buffer) => {
      process.stdout.write(chunk);
      buffered = (buffered + chunk.toString()).slice(-4096);
      if (buffered.includes(READY_LINE)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited before ready (${signal ?? `code ${code}`})`));
    });
  });
  return { child, ready };
}

async function call(method: string, url: string, token: string, body?: unknown) {
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function placeOneOrder(api: string): Promise<string> {
  const health = await fetch(`${api}/health`);
  if (health.status !== 200) fail(`/health answered ${health.status}: ${await health.text()}`);
  say('/health 200');

  const token = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/mint-token.ts', 'c-smoke'], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
  }).trim();
  const items = (await (await fetch(`${api}/items?limit=20`)).json()) as {
    items?: { itemId: string; available: number }[];
  };
  const item = items.items?.find((i) => i.available > 0);
  if (!item) fail(`no item with stock in the demo catalog: ${JSON.stringify(items).slice(0, 300)}`);

  const begin = await call('POST', `${api}/checkout?op=BEGIN`, token, {
    cart: [{ itemId: item.itemId, quantity: 1 }],
  });
  if (begin.status !== 201) fail(`BEGIN answered ${begin.status}: ${JSON.stringify(begin.body)}`);
  say(`BEGIN 201 ${begin.body.orderId}`);

  const payment = await call('POST', begin.body.paymentUrl, token, {
    paymentDetails: { cardNumber: '4242424242424242', expMonth: 12, expYear: 2030, cvc: '123' },
    shippingAddress: {
      name: 'Smoke Test',
      line1: '1 Main St',
      city: 'Newark',
      postalCode: '07102',
      country: 'US',
    },
  });
  if (payment.status !== 202) fail(`payment answered ${payment.status}: ${JSON.stringify(payment.body)}`);
  say('payment 202');

  const submit = await call('POST', `${api}/checkout?op=SUBMIT`, token, { orderId: begin.body.orderId });
  if (submit.status !== 200 || submit.body?.status !== 'PENDING') {
    fail(`SUBMIT answered ${submit.status}: ${JSON.stringify(submit.body)}`);
  }
  say('SUBMIT 200 PENDING');
  return begin.body.orderId;
}

async function stopAndCheck(child: ChildProcess): Promise<void> {
  const started = descendantsOf(child.pid!);
  say(`sending SIGINT to npm start (${started.length} processes)`);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid!, 'SIGINT');
  const deadline = Date.now() + EXIT_GRACE_MS;
  while (Date.now() < deadline && started.some(isAlive)) {
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const left = started.filter(isAlive);
  if (left.length > 0) {
    for (const pid of left) process.kill(pid, 'SIGKILL');
    fail(`still alive ${EXIT_GRACE_MS / 1000} s after SIGINT: pids ${left.join(', ')}`);
  }
  await exited;
  say('every process npm start started has exited');
}

const apiPort = await freePort();
const env = {
  ...process.env,
  API_PORT: String(apiPort),
  TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
  TEMPORAL_UI_PORT: String(await freePort()),
  SHARD_BASE_PORT: String(await freePortRun(Number(process.env['SHARDS'] || 2))),
};
const began = Date.now();
const { child, ready } = await startStack(env);
try {
  await ready;
  say(`ready after ${((Date.now() - began) / 1000).toFixed(1)} s`);
  await placeOneOrder(`http://127.0.0.1:${apiPort}`);
  await stopAndCheck(child);
  say('passed');
} catch (error) {
  console.error(`[smoke] FAILED: ${error instanceof Error ? error.message : String(error)}`);
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
  process.exit(1);
}
