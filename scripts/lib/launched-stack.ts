/**
 * `npm start` (or its stack script) launched as its own process group, with its output watched: for
 * the start-up smoke test and the tests that break processes under it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { PROJECT_ROOT } from './project-paths.js';
import { freePort, freePortRun } from './shard-cluster.js';

export const READY_LINE = '[start] ready';

/** Free loopback ports for every listener of the local stack. */
export async function freeStackPorts(shards = 2): Promise<NodeJS.ProcessEnv> {
  return {
    API_PORT: String(await freePort()),
    TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
    TEMPORAL_UI_PORT: String(await freePort()),
    TEMPORAL_METRICS_PORT: String(await freePort()),
    ORDER_WORKER_METRICS_PORT: String(await freePort()),
    WAREHOUSE_WORKER_METRICS_PORT: String(await freePort()),
    SHARD_BASE_PORT: String(await freePortRun(shards)),
  };
}

export class LaunchedStack {
  private output = '';
  private readonly waiters: { pattern: string | RegExp; resolve: () => void }[] = [];
  readonly child: ChildProcess;
  readonly exited: Promise<void>;

  constructor(
    command: string,
    args: string[],
    env: NodeJS.ProcessEnv,
    echo: (chunk: string) => void = () => {},
  ) {
    this.child = spawn(command, args, { cwd: PROJECT_ROOT, env, detached: true, stdio: 'pipe' });
    for (const stream of [this.child.stdout, this.child.stderr]) {
      stream?.on('data', (chunk: Buffer) => {
        echo(chunk.toString());
        this.output += chunk.toString();
        for (const waiter of [...this.waiters]) if (this.has(waiter.pattern)) waiter.resolve();
      });
    }
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
  }

  get pid(): number {
    return this.child.pid!;
  }

  has(pattern: string | RegExp): boolean {
    return typeof pattern === 'string' ? this.output.includes(pattern) : pattern.test(this.output);
  }

  /** Resolves when the output shows `pattern`; rejects on timeout or when the stack exits first. */
  waitFor(pattern: string | RegExp, timeoutMs: number): Promise<void> {
    if (this.has(pattern)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms`)), timeoutMs);
      const waiter = {
        pattern,
        resolve: () => {
          clearTimeout(timer);
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          resolve();
        },
      };
      this.waiters.push(waiter);
      void this.exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`the stack exited before ${pattern}:\n${this.output.slice(-2000)}`));
      });
    });
  }

  /** Ctrl-C, as a terminal delivers it: SIGINT to the whole group. */
  interrupt(): void {
    process.kill(-this.pid, 'SIGINT');
  }

  kill(): void {
    try {
      process.kill(-this.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
