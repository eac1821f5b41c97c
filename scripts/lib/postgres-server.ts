/**
 * One real PostgreSQL server process on a loopback port with its own data directory.
 * Used by `npm start`, the test harness and the chaos suite (which kills and restarts it).
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { canRunAs, chownRecursive, type OsUser } from './os-user.js';
import type { PgBinaries } from './postgres-binaries.js';
import { isAlive } from './process-tree.js';
import { type ExitListener, WatchedChild } from './watched-child.js';

export const SHARD_DATABASE = 'orders';
const SUPERUSER = 'postgres';

export interface PostgresServerOptions {
  name: string;
  dataDir: string;
  port: number;
  binaries: PgBinaries;
  runAs: OsUser | undefined;
  /**
   * false for throwaway test clusters: no fsync, faster. Commits still reach the OS before they are
   * acknowledged (synchronous_commit stays on), so a killed postmaster loses nothing; only an OS crash would.
   */
  durable: boolean;
  startTimeoutMs?: number;
  /** The database created at first start (default `orders`, a shard's); null creates none. */
  database?: string | null;
  /** Overrides of server settings (`name=value`), after the defaults. */
  settings?: readonly string[];
  /** Called when the postmaster exits without being stopped or crashed on purpose. */
  onUnexpectedExit?: ExitListener;
}

export class PostgresServer {
  private readonly watched = new WatchedChild();

  constructor(readonly options: PostgresServerOptions) {}

  get name(): string {
    return this.options.name;
  }

  get url(): string {
    return `postgres://${SUPERUSER}@127.0.0.1:${this.options.port}/${SHARD_DATABASE}`;
  }

  get pid(): number | undefined {
    return this.watched.pid;
  }

  get logFile(): string {
    return `${this.options.dataDir}.log`;
  }

  async start(): Promise<void> {
    if (this.pid !== undefined) return;
    this.initIfNeeded();
    this.removeStalePidFile();
    const { binaries, dataDir, port, runAs, durable } = this.options;
    const log = fs.openSync(this.logFile, 'a');
    const args = [
      '-D',
      dataDir,
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=300',
      '-c',
      `fsync=${durable ? 'on' : 'off'}`,
      '-c',
      `full_page_writes=${durable ? 'on' : 'off'}`,
      ...(this.options.settings ?? []).flatMap((setting) => ['-c', setting]),
    ];
    const child = spawn(path.join(binaries.binDir, 'postgres'), args, {
      stdio: ['ignore', log, log],
      cwd: path.dirname(dataDir),
      uid: runAs?.uid,
      gid: runAs?.gid,
    });
    fs.closeSync(log);
    this.watched.watch(child, (code, signal) => this.options.onUnexpectedExit?.(code, signal));
    await this.waitUntilReady();
    await this.ensureDatabase();
  }

  /** Fast shutdown (SIGINT); SIGKILL if it does not stop in time. */
  stop(timeoutMs = 15_000): Promise<void> {
    return this.watched.stop('SIGINT', timeoutMs);
  }

  /** kill -9 of the postmaster, as a crash would. */
  crash(): Promise<void> {
    return this.watched.crash();
  }

  private initIfNeeded(): void {
    const { binaries, dataDir, runAs, durable } = this.options;
    if (fs.existsSync(path.join(dataDir, 'PG_VERSION'))) return;
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    if (runAs) chownRecursive(runAs, dataDir);
    const args = ['-D', dataDir, '-U', SUPERUSER, '--auth=trust', '--encoding=UTF8', '--locale=C'];
    if (!durable) args.push('--no-sync');
    const res = spawnSync(path.join(binaries.binDir, 'initdb'), args, {
      encoding: 'utf8',
      cwd: path.dirname(dataDir),
      uid: runAs?.uid,
      gid: runAs?.gid,
    });
    if (res.status !== 0) {
      throw new Error(`initdb failed for ${this.name} in ${dataDir}:\n${res.stderr || res.stdout}`);
    }
  }

  /** After a kill -9 the pid file remains; postgres copes, but only when the old pid is not reused. */
  private removeStalePidFile(): void {
    const pidFile = path.join(this.options.dataDir, 'postmaster.pid');
    if (!fs.existsSync(pidFile)) return;
    const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
    if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
      throw new Error(`${this.name}: another postmaster (pid ${pid}) is running on ${this.options.dataDir}`);
    }
    fs.rmSync(pidFile, { force: true });
  }

  private async waitUntilReady(): Promise<void> {
    const deadline = Date.now() + (this.options.startTimeoutMs ?? 60_000);
    let lastError: unknown;
    while (Date.now() < deadline) {
      if (!this.watched.isRunning()) {
        throw new Error(`${this.name} exited during start-up; see ${this.logFile}:\n${tail(this.logFile)}`);
      }
      const sql = postgres(this.adminUrl(), { max: 1, connect_timeout: 2, onnotice: () => {} });
      try {
        await sql`select 1`;
        return;
      } catch (error) {
        lastError = error;
      } finally {
        await sql.end({ timeout: 1 });
      }
      await sleep(100);
    }
    throw new Error(`${this.name} did not accept connections in time: ${String(lastError)}`);
  }

  private adminUrl(): string {
    return `postgres://${SUPERUSER}@127.0.0.1:${this.options.port}/postgres`;
  }

  private async ensureDatabase(): Promise<void> {
    const database = this.options.database === undefined ? SHARD_DATABASE : this.options.database;
    if (database === null) return;
    const sql = postgres(this.adminUrl(), { max: 1, onnotice: () => {} });
    try {
      const rows = await sql`select 1 from pg_database where datname = ${database}`;
      if (rows.length === 0) await sql.unsafe(`create database ${database}`);
    } finally {
      await sql.end({ timeout: 1 });
    }
  }
}

/**
 * The data directory to use for `preferred`. As root, the `postgres` user must own it and reach it;
 * when a parent directory is closed to that user (a clone under /root), the cluster lives under
 * /var/tmp instead and `preferred` becomes a symlink to it, so it is still found under .data/.
 */
export function reachableDataDir(preferred: string, runAs: OsUser | undefined, fallbackRoot: string): string {
  if (fs.existsSync(preferred)) return fs.realpathSync(preferred);
  fs.mkdirSync(path.dirname(preferred), { recursive: true });
  if (!runAs) return preferred;
  fs.mkdirSync(preferred, { mode: 0o700 });
  chownRecursive(runAs, preferred);
  if (canRunAs(runAs, preferred, 'w')) return preferred;
  fs.rmdirSync(preferred);
  const target = path.join(fallbackRoot, path.basename(preferred));
  fs.mkdirSync(fallbackRoot, { recursive: true });
  fs.chmodSync(fallbackRoot, 0o755);
  fs.symlinkSync(target, preferred);
  return target;
}

function tail(file: string, lines = 20): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
