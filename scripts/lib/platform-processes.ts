/** The platform's own processes (API and workers), started from their real entry points. */
import path from 'node:path';
import { ManagedProcess } from './managed-process.js';
import { PROJECT_ROOT } from './project-paths.js';

export const PLATFORM_ENTRY_POINTS = {
  'order-worker': 'workers/order-worker.ts',
  'warehouse-worker': 'workers/warehouse-worker.ts',
  api: 'api/main.ts',
} as const;

export type PlatformProcessName = keyof typeof PLATFORM_ENTRY_POINTS;

export function platformProcess(
  name: PlatformProcessName,
  env: NodeJS.ProcessEnv,
  hooks: Pick<ConstructorParameters<typeof ManagedProcess>[0], 'onUnexpectedExit' | 'output'> = {},
): ManagedProcess {
  return new ManagedProcess({
    name,
    command: process.execPath,
    args: ['--import', 'tsx', path.join(PROJECT_ROOT, PLATFORM_ENTRY_POINTS[name])],
    cwd: PROJECT_ROOT,
    env,
    stopSignal: 'SIGTERM',
    ...hooks,
  });
}

/** Polls GET /health until it answers 200. */
export async function waitForHealthy(baseUrl: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${baseUrl}/health`);
      if (res.status === 200) return;
      last = `${res.status} ${await res.text()}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`${baseUrl}/health did not become healthy: ${last}`);
}
