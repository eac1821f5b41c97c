/**
 * One `pg_autoctl run` process (a node's keeper, or the monitor) and the postgres it runs: started, stopped,
 * and the faults the chaos suite injects (the node crashing, its postmaster alone crashing, the node frozen).
 */
import fs from 'node:fs';
import path from 'node:path';
import { descendantsOf, isAlive } from '../process-tree.js';
import { type ExitListener, WatchedChild } from '../watched-child.js';
import { type Autoctl, spawnKeeper } from './autoctl.js';

export interface KeeperOptions {
  name: string;
  pgdata: string;
  port: number;
  autoctl: Autoctl;
  onUnexpectedExit?: ExitListener;
}

export class Keeper {
  private readonly watched = new WatchedChild();

  constructor(readonly options: KeeperOptions) {}

  get name(): string {
    return this.options.name;
  }

  get address(): string {
    return `127.0.0.1:${this.options.port}`;
  }

  get logFile(): string {
    return `${this.options.pgdata}.log`;
  }

  get pid(): number | undefined {
    return this.watched.pid;
  }

  start(): void {
    if (this.watched.isRunning()) return;
    const child = spawnKeeper(this.options.autoctl, this.options.pgdata, this.logFile);
    this.watched.watch(child, (code, signal) => this.options.onUnexpectedExit?.(code, signal));
  }

  /** SIGINT: pg_autoctl stops its postgres (fast shutdown) and exits. */
  async stop(timeoutMs = 20_000): Promise<void> {
    const postmaster = this.postmasterPid();
    await this.watched.stop('SIGINT', timeoutMs);
    if (postmaster !== undefined) await waitForExit(postmaster, timeoutMs);
  }

  /** The postmaster's pid from its pid file, when that process is alive. */
  postmasterPid(): number | undefined {
    try {
      const pid = Number(
        fs.readFileSync(path.join(this.options.pgdata, 'postmaster.pid'), 'utf8').split('\n')[0],
      );
      return Number.isInteger(pid) && pid > 0 && isRunning(pid) ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  /** kill -9 of the whole node at once, keeper and postgres, as a machine or container crash would. */
  async crashNode(): Promise<void> {
    const pids = this.nodePids();
    await this.watched.crash();
    for (const pid of pids) signal(pid, 'SIGKILL');
    const postmaster = pids.find((pid) => pid === this.postmasterPid());
    if (postmaster !== undefined) await waitForExit(postmaster, 10_000);
  }

  /** kill -9 of the postmaster alone: its keeper stays up. */
  crashPostmaster(): number | undefined {
    const pid = this.postmasterPid();
    if (pid !== undefined) signal(pid, 'SIGKILL');
    return pid;
  }

  /** SIGSTOP of every process of the node, as a paused machine; `thaw()` resumes them. */
  freeze(): number[] {
    const pids = this.nodePids();
    for (const pid of pids) signal(pid, 'SIGSTOP');
    return pids;
  }

  thaw(pids: readonly number[]): void {
    for (const pid of pids) signal(pid, 'SIGCONT');
  }

  private nodePids(): number[] {
    const roots = [this.watched.pid, this.postmasterPid()].filter((pid): pid is number => pid !== undefined);
    return [...new Set(roots.flatMap((root) => descendantsOf(root)))];
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

/** Alive and not a zombie (a killed postmaster whose parent died too may wait a while to be reaped). */
function isRunning(pid: number): boolean {
  if (!isAlive(pid)) return false;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (isRunning(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}
