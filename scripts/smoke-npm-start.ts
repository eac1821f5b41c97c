/**
 * `node --import tsx scripts/smoke-npm-start.ts`: proves the README's first command. Runs `npm start` on
 * free ports, waits for `ready`, checks /health, places one order over HTTP (BEGIN → payment URL →
 * SUBMIT, expecting 200 PENDING), finds the SDK's and the platform's metrics on the order worker's
 * `/metrics` and the dev server's own metrics (TEMPORAL=dev), gets the storefront page, its script and a demo
 * token, sends SIGINT as Ctrl-C would, and fails if any process `npm start`
 * started is still alive 30 s later. CI runs it from its clean clone before `npm test`.
 */
import { freeStackPorts, LaunchedStack, READY_LINE } from './lib/launched-stack.js';
import { descendantsOf, isAlive } from './lib/process-tree.js';
import { expectStatus, ShopperClient } from './lib/shopper-client.js';

const READY_TIMEOUT_MS = 20 * 60_000;
const EXIT_GRACE_MS = 30_000;

const say = (message: string) => console.log(`[smoke] ${message}`);

function fail(message: string): never {
  throw new Error(message);
}

async function placeOneOrder(api: string): Promise<string> {
  const health = await fetch(`${api}/health`);
  if (health.status !== 200) fail(`/health answered ${health.status}: ${await health.text()}`);
  say('/health 200');
  const shopper = ShopperClient.forCustomer(api, 'c-smoke');
  const begun = expectStatus('BEGIN', await shopper.begin(await shopper.itemInStock()), 201);
  say(`BEGIN 201 ${begun['orderId']}`);
  expectStatus('payment', await shopper.pay(String(begun['paymentUrl'])), 202);
  say('payment 202');
  const submitted = expectStatus('SUBMIT', await shopper.submit(String(begun['orderId'])), 200);
  if (submitted['status'] !== 'PENDING') fail(`SUBMIT answered ${JSON.stringify(submitted)}`);
  say('SUBMIT 200 PENDING');
  return String(begun['orderId']);
}

/** Series every metrics endpoint must show after one placed order. */
const EXPECTED_SERIES = {
  ORDER_WORKER_METRICS_PORT: ['temporal_workflow_task_execution_latency_bucket', 'order_reservations_total'],
  WAREHOUSE_WORKER_METRICS_PORT: ['temporal_num_pollers'],
  API_PORT: ['http_requests_total', 'shard_writable_primary'],
  TEMPORAL_METRICS_PORT: ['service_requests'],
} as const;

async function checkMetrics(ports: NodeJS.ProcessEnv): Promise<void> {
  const topology = process.env['TEMPORAL'] ?? 'dev';
  for (const [portVar, series] of Object.entries(EXPECTED_SERIES)) {
    if (portVar === 'TEMPORAL_METRICS_PORT' && topology !== 'dev') continue;
    const url = `http://127.0.0.1:${ports[portVar]}/metrics`;
    const text = await (await fetch(url)).text();
    const missing = series.filter((name) => !new RegExp(`^${name}[{ ]`, 'm').test(text));
    if (missing.length > 0) fail(`${url} shows no ${missing.join(', ')}`);
    say(`${url}: ${series.join(', ')}`);
  }
}

/** The storefront's page and its bundled script, as a browser would first ask for them. */
async function checkStorefront(api: string): Promise<void> {
  const page = await fetch(`${api}/`);
  const html = await page.text();
  if (page.status !== 200 || !html.includes('/storefront/app.js')) fail(`GET / answered ${page.status}`);
  const script = await fetch(`${api}/storefront/app.js`);
  if (script.status !== 200 || (await script.text()).length < 1000) {
    fail(`GET /storefront/app.js answered ${script.status}`);
  }
  const token = await fetch(`${api}/demo/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ customerId: 'c-smoke-demo' }),
  });
  if (token.status !== 200)
    fail(`POST /demo/token answered ${token.status}: npm start should turn the demo sign-in on`);
  say('storefront: page, script and demo sign-in served');
}

async function stopAndCheck(stack: LaunchedStack): Promise<void> {
  const started = descendantsOf(stack.pid);
  say(`sending SIGINT to npm start (${started.length} processes)`);
  stack.interrupt();
  const deadline = Date.now() + EXIT_GRACE_MS;
  while (Date.now() < deadline && started.some(isAlive)) {
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const left = started.filter(isAlive);
  if (left.length > 0) fail(`still alive ${EXIT_GRACE_MS / 1000} s after SIGINT: pids ${left.join(', ')}`);
  await stack.exited;
  say('every process npm start started has exited');
}

const ports = await freeStackPorts(Number(process.env['SHARDS'] || 2));
const began = Date.now();
const stack = new LaunchedStack('npm', ['start'], { ...process.env, ...ports }, (chunk) =>
  process.stdout.write(chunk),
);
try {
  await stack.waitFor(READY_LINE, READY_TIMEOUT_MS);
  say(`ready after ${((Date.now() - began) / 1000).toFixed(1)} s`);
  await placeOneOrder(`http://127.0.0.1:${ports['API_PORT']}`);
  await checkMetrics(ports);
  await checkStorefront(`http://127.0.0.1:${ports['API_PORT']}`);
  await stopAndCheck(stack);
  say('passed');
} catch (error) {
  console.error(`[smoke] FAILED: ${error instanceof Error ? error.message : String(error)}`);
  stack.kill();
  process.exit(1);
}
