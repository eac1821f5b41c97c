/**
 * Keeps a shard's pool on its current primary. A primary that dies closes its connections and the pool
 * reconnects through the multi-host URL by itself; a frozen primary (or one cut off by the network) keeps
 * them open, and every query on them would hang until it comes back. Once a second a probe asks the shard
 * which server is primary; when the answer changes, the pool is replaced (its connections destroyed, so the
 * queries on them fail and their steps retry) by one that tries the new primary first.
 */
import postgres from 'postgres';
import { hostsOf, withHosts } from './shard-url.js';

export const PROBE_INTERVAL_MS = 1_000;
const PROBE_TIMEOUT_MS = 1_500;

export interface PrimaryWatchOptions {
  url: string;
  connectTimeoutSeconds: number;
  /** Makes the shard's pool for a URL (the same URL, its hosts reordered). */
  makePool(url: string): postgres.Sql;
  /** Called with the new pool once the old one is replaced. */
  onSwitch?(from: string | undefined, to: string): void;
}

export class PrimaryWatch {
  private pool: postgres.Sql;
  private probeSql: postgres.Sql;
  private primary: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private probing = false;

  constructor(private readonly options: PrimaryWatchOptions) {
    this.pool = options.makePool(options.url);
    this.probeSql = this.newProbe(options.url);
  }

  get sql(): postgres.Sql {
    return this.pool;
  }

  start(): void {
    this.timer ??= setInterval(() => void this.probe(), PROBE_INTERVAL_MS);
    this.timer.unref();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await Promise.all([this.pool.end({ timeout: 5 }), this.probeSql.end({ timeout: 0 })]);
  }

  /** One probe: which server answers as primary now (its port and start time name it). */
  async probe(): Promise<void> {
    if (this.probing) return;
    this.probing = true;
    try {
      const identity = await withTimeout(
        this.probeSql<{ port: number; started: string }[]>`
          select inet_server_port() as port, pg_postmaster_start_time()::text as started
          where not pg_is_in_recovery()`,
        PROBE_TIMEOUT_MS,
      );
      const row = identity[0];
      if (!row) {
        await this.replaceProbe(this.options.url);
        return;
      }
      const current = `${row.port}@${row.started}`;
      if (this.primary !== undefined && current !== this.primary) this.switchTo(row.port, current);
      this.primary = current;
    } catch {
      // No answer: the probe's server is gone or frozen. A fresh probe finds whichever node is primary.
      await this.replaceProbe(this.options.url);
    } finally {
      this.probing = false;
    }
  }

  private switchTo(port: number, identity: string): void {
    const old = this.pool;
    const url = withHosts(this.options.url, primaryFirst(hostsOf(this.options.url), port));
    this.pool = this.options.makePool(url);
    void old.end({ timeout: 0 });
    this.options.onSwitch?.(this.primary, identity);
  }

  private async replaceProbe(url: string): Promise<void> {
    const old = this.probeSql;
    this.probeSql = this.newProbe(url);
    await old.end({ timeout: 0 }).catch(() => {});
  }

  private newProbe(url: string): postgres.Sql {
    return postgres(url, {
      max: 1,
      connect_timeout: this.options.connectTimeoutSeconds,
      idle_timeout: 0,
      onnotice: () => {},
      connection: { application_name: 'order-platform:primary-watch' },
    });
  }
}

/** The hosts with the one listening on `port` first, when exactly one does (local clusters differ by port). */
function primaryFirst(hosts: readonly string[], port: number): string[] {
  const matching = hosts.filter((host) => host.endsWith(`:${port}`));
  if (matching.length !== 1) return [...hosts];
  return [matching[0]!, ...hosts.filter((host) => host !== matching[0])];
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
