/**
 * Restarts the processes of the local stack that exit without being asked to: a crashed worker, API,
 * shard or Temporal server comes back on its own data after a backoff, so orders in flight carry on
 * as they do in production under a process manager.
 */
export interface Restartable {
  readonly name: string;
  start(): void | Promise<void>;
  stop(): Promise<void>;
}

export interface SupervisorOptions {
  log(message: string): void;
  /** True once the stack is shutting down: nothing is restarted then. */
  stopping(): boolean;
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** A process that stayed up this long starts its backoff over. */
  healthyAfterMs?: number;
}

interface History {
  failures: number;
  startedAt: number;
}

export class Supervisor {
  private readonly history = new Map<string, History>();

  constructor(private readonly options: SupervisorOptions) {}

  /** The hook for a process's unexpected exit: logs it and schedules its restart. */
  exited(target: Restartable, how: string): void {
    if (this.options.stopping()) return;
    const now = Date.now();
    const past = this.history.get(target.name) ?? { failures: 0, startedAt: 0 };
    const failures = now - past.startedAt >= (this.options.healthyAfterMs ?? 60_000) ? 1 : past.failures + 1;
    const delay = Math.min(
      (this.options.initialDelayMs ?? 1_000) * 2 ** (failures - 1),
      this.options.maxDelayMs ?? 30_000,
    );
    this.history.set(target.name, { failures, startedAt: past.startedAt });
    this.options.log(`${target.name} exited unexpectedly (${how}); restarting it in ${delay} ms`);
    setTimeout(() => void this.restart(target), delay);
  }

  private async restart(target: Restartable): Promise<void> {
    if (this.options.stopping()) return;
    const entry = this.history.get(target.name)!;
    entry.startedAt = Date.now();
    try {
      await target.start();
      // Ctrl-C came while it was starting: the shutdown has already passed it by.
      if (this.options.stopping()) await target.stop();
      else this.options.log(`${target.name} restarted`);
    } catch (error) {
      this.exited(target, `restart failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

export function exitDescription(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ?? `code ${code}`;
}
