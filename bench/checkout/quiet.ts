/**
 * Waits until the platform has finished the work a phase left behind (orders placed go on to capture
 * and split; a flash sale's refusals finish after their answers), so the next phase is measured alone.
 */
import { treeCpuSeconds } from './proc-stats.js';

export interface QuietOptions {
  /** CPU cores the watched processes may use together and still count as idle. */
  idleCores: number;
  /** Seconds in a row they must stay under it. */
  quietSeconds: number;
  timeoutSeconds: number;
}

export const DEFAULT_QUIET: QuietOptions = { idleCores: 0.15, quietSeconds: 3, timeoutSeconds: 180 };

/** Resolves with the seconds it waited; gives up (resolving) after the timeout. */
export async function waitUntilQuiet(pids: Record<string, number>, options = DEFAULT_QUIET): Promise<number> {
  const started = performance.now();
  const total = () => Object.values(treeCpuSeconds(pids)).reduce((sum, s) => sum + s, 0);
  let quietFor = 0;
  let last = total();
  while ((performance.now() - started) / 1000 < options.timeoutSeconds && quietFor < options.quietSeconds) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const now = total();
    quietFor = now - last < options.idleCores ? quietFor + 1 : 0;
    last = now;
  }
  return (performance.now() - started) / 1000;
}
