/**
 * The platform's real processes (API, order worker, warehouse worker) started from their entry points
 * against the suite's Temporal server and shards, on a private task queue and a free API port.
 */
import { randomUUID } from 'node:crypto';
import { sign } from 'hono/jwt';
import type { ManagedProcess } from '../../scripts/lib/managed-process.js';
import {
  type PlatformProcessName,
  platformProcess,
  waitForHealthy,
} from '../../scripts/lib/platform-processes.js';
import { freePort } from '../../scripts/lib/shard-cluster.js';
import { testStack } from './stack.js';

export const TEST_JWT_SECRET = 'test-secret';

export interface RunningPlatform {
  baseUrl: string;
  env: NodeJS.ProcessEnv;
  processes: Map<PlatformProcessName, ManagedProcess>;
  /** Output lines of every process, for assertions and for failure reports. */
  output: string[];
  stop(): Promise<void>;
}

export async function startPlatform(
  overrides: NodeJS.ProcessEnv = {},
  names: PlatformProcessName[] = ['order-worker', 'warehouse-worker', 'api'],
  { waitUntilHealthy = true }: { waitUntilHealthy?: boolean } = {},
): Promise<RunningPlatform> {
  const stack = testStack();
  const apiPort = await freePort();
  const suffix = randomUUID().slice(0, 8);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TEMPORAL_ADDRESS: stack.temporalAddress,
    SHARD_URLS: stack.shardUrls.join(','),
    ORDER_TASK_QUEUE: `orders-${suffix}`,
    WAREHOUSE_TASK_QUEUE: `warehouse-${suffix}`,
    API_PORT: String(apiPort),
    ORDER_WORKER_METRICS_PORT: String(await freePort()),
    WAREHOUSE_WORKER_METRICS_PORT: String(await freePort()),
    PUBLIC_BASE_URL: `http://127.0.0.1:${apiPort}`,
    JWT_SECRET: TEST_JWT_SECRET,
    // The payment token secret stays the public default: the processes must accept (and warn about) it.
    ALLOW_DEV_SECRETS: '1',
    LOG_LEVEL: 'warn',
    ...overrides,
  };
  const output: string[] = [];
  const processes = new Map<PlatformProcessName, ManagedProcess>();
  for (const name of names) {
    const proc = platformProcess(name, env, { output: (line) => output.push(`[${name}] ${line}`) });
    proc.start();
    processes.set(name, proc);
  }
  const baseUrl = env['PUBLIC_BASE_URL']!;
  const stop = async () => {
    await Promise.all([...processes.values()].map((p) => p.stop()));
  };
  if (names.includes('api') && waitUntilHealthy) {
    try {
      await waitForHealthy(baseUrl, 60_000);
    } catch (error) {
      await stop();
      throw new Error(`${String(error)}\n${output.slice(-30).join('\n')}`);
    }
  }
  return { baseUrl, env, processes, output, stop };
}

export async function tokenFor(customerId: string, role?: 'operator'): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return sign(
    { sub: customerId, ...(role ? { role } : {}), iat: now, exp: now + 3600 },
    TEST_JWT_SECRET,
    'HS256',
  );
}

export async function api(
  platform: RunningPlatform,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  // biome-ignore lint/suspicious/noExplicitAny: tests inspect response bodies of many shapes
): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(`${platform.baseUrl}${path}`, {
    method,
    headers: {
      ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}),
      ...(options.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...options.headers,
    },
    body:
      options.body === undefined
        ? undefined
        : typeof options.body === 'string'
          ? options.body
          : JSON.stringify(options.body),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body, headers: res.headers };
}
