/** A child process whose output is prefixed with its name, stopped politely and then firmly. */
import { spawn } from 'node:child_process';
import readline from 'node:readline';
import { type ExitListener, WatchedChild } from './watched-child.js';

export interface ManagedProcessOptions {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Signal that asks it to stop gracefully. */
  stopSignal?: NodeJS.Signals;
  /** Called when it exits without being asked to. */
  onUnexpectedExit?: ExitListener;
  /** Where its output goes; default: this process's stdout with a `[name]` prefix. */
  output?: (line: string) => void;
}

export class ManagedProcess {
  private readonly watched = new WatchedChild();

  constructor(readonly options: ManagedProcessOptions) {}

  get name(): string {
    return this.options.name;
  }

  get pid(): number | undefined {
    return this.watched.pid;
  }

  start(): void {
    const { name, command, args, env, cwd } = this.options;
    const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const output = this.options.output ?? ((line: string) => process.stdout.write(`[${name}] ${line}\n`));
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) readline.createInterface({ input: stream }).on('line', output);
    }
    this.watched.watch(child, (code, signal) => this.options.onUnexpectedExit?.(code, signal));
  }

  stop(timeoutMs = 20_000): Promise<void> {
    return this.watched.stop(this.options.stopSignal ?? 'SIGTERM', timeoutMs);
  }

  /** kill -9, as a crash would (chaos tests). */
  crash(): Promise<void> {
    return this.watched.crash();
  }
}
