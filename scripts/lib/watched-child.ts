/** A spawned child process and its exit: whether it runs, and stopping it, politely or as a crash would. */
import type { ChildProcess } from 'node:child_process';

export type ExitListener = (code: number | null, signal: NodeJS.Signals | null) => void;

export class WatchedChild {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private stopping = false;

  /** Watches `child` from now on; `onUnexpectedExit` hears of an exit no `stop()` or `crash()` asked for. */
  watch(child: ChildProcess, onUnexpectedExit: ExitListener): void {
    this.child = child;
    this.stopping = false;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        if (!this.stopping) onUnexpectedExit(code, signal);
        resolve();
      });
    });
  }

  isRunning(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  get pid(): number | undefined {
    return this.isRunning() ? this.child!.pid : undefined;
  }

  /** Sends `signal`, then SIGKILL if the child has not exited within `timeoutMs`. */
  async stop(signal: NodeJS.Signals, timeoutMs: number): Promise<void> {
    const child = this.child;
    if (!child || !this.isRunning()) return;
    this.stopping = true;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** kill -9, as a crash would. */
  async crash(): Promise<void> {
    const child = this.child;
    if (!child || !this.isRunning()) return;
    this.stopping = true;
    child.kill('SIGKILL');
    await this.exited;
  }
}
