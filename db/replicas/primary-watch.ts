/**
 * Keeps a shard's pool on its current primary. Once a second it asks every node of the shard directly,
 * each on a connection of its own, whether it takes writes. When another node is the primary, the pool is
 * replaced by one that connects to that node only, and the old pool's connections are destroyed, so the
 * queries on them fail and their steps retry.
 *
 * The pool's own multi-host URL is not enough: a primary that dies closes its connections and postgres.js
 * moves on to the next host, but a frozen primary (or one cut off by the network) keeps its connections
 * open, every query on them waits until it resumes, and postgres.js gives up on a connect timeout instead
 * of trying the next host. A primary that is being demoted (read-only, or back in recovery) loses the pool
 * the same way.
 */
import postgres from 'postgres';
import { hostsOf, singleNodeUrl } from './shard-url.js';

const PROBE_INTERVAL_MS = 1_000;
const PROBE_TIMEOUT_MS = 1_500;

export interface PrimaryWatchOptions {
  url: string;
  connectTimeoutSeconds: number;
  /** Makes the shard's pool for a URL (the shard's URL, or one naming its primary only). */
  makePool(url: string): postgres.Sql;
  /** Told every round which nodes answered, and which of them takes writes. */
  onReadings?(readings: readonly NodeReading[]): void;
}

export interface NodeReading {
  host: string;
  /** Host and postmaster start time: a restarted server is another primary. */
  identity: string;
  writable: boolean;
}

export class PrimaryWatch {
  private pool: postgres.Sql;
  private readonly probes = new Map<string, postgres.Sql>();
  /** The primary the pool is on; undefined until the first probe, or after it stopped taking writes. */
  private primary: string | undefined;
  private replaced = false;
  private timer: NodeJS.Timeout | undefined;
  private probing = false;

  constructor(private readonly options: PrimaryWatchOptions) {
    this.pool = options.makePool(options.url);
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
    await Promise.all([
      this.pool.end({ timeout: 5 }),
      ...[...this.probes.values()].map((probe) => probe.end({ timeout: 0 })),
    ]);
  }

  /** One round: every node asked; the pool follows the one writable node. */
  async probe(): Promise<void> {
    if (this.probing) return;
    this.probing = true;
    try {
      const readings = (await Promise.all(hostsOf(this.options.url).map((host) => this.read(host)))).filter(
        (reading): reading is NodeReading => reading !== undefined,
      );
      this.options.onReadings?.(readings);
      const current = readings.find((r) => r.identity === this.primary);
      if (current && !current.writable) {
        // Demoted or fenced under the pool: nothing may stay connected to it.
        this.replacePool(this.options.url, undefined);
        return;
      }
      const writable = readings.filter((r) => r.writable);
      // Two writable nodes: an old primary back before its keeper demotes it. The pool stays where it is.
      if (writable.length !== 1 || writable[0]!.identity === this.primary) return;
      const next = writable[0]!;
      if (this.primary === undefined && !this.replaced) {
        // The first primary found is the one the starting pool reached through the shard's URL: it is kept.
        this.primary = next.identity;
        return;
      }
      this.replacePool(singleNodeUrl(this.options.url, next.host, 'primary'), next.identity);
    } finally {
      this.probing = false;
    }
  }

  private async read(host: string): Promise<NodeReading | undefined> {
    const probe = this.probeOf(host);
    try {
      const [row] = await withTimeout(
        probe<{ started: string; writable: boolean }[]>`
          select pg_postmaster_start_time()::text as started,
            not pg_is_in_recovery() and current_setting('default_transaction_read_only') = 'off' as writable`,
        PROBE_TIMEOUT_MS,
      );
      return { host, identity: `${host}@${row!.started}`, writable: row!.writable };
    } catch {
      // Gone or frozen: its next probe starts on a fresh connection.
      this.probes.delete(host);
      void probe.end({ timeout: 0 }).catch(() => {});
      return undefined;
    }
  }

  private probeOf(host: string): postgres.Sql {
    let probe = this.probes.get(host);
    if (!probe) {
      probe = postgres(singleNodeUrl(this.options.url, host), {
        max: 1,
        connect_timeout: this.options.connectTimeoutSeconds,
        idle_timeout: 0,
        onnotice: () => {},
        connection: { application_name: 'order-platform:primary-watch' },
      });
      this.probes.set(host, probe);
    }
    return probe;
  }

  /** Replaces the pool; the old one's connections are destroyed, so the queries on them fail and retry. */
  private replacePool(url: string, identity: string | undefined): void {
    const old = this.pool;
    this.replaced = true;
    this.pool = this.options.makePool(url);
    this.primary = identity;
    void old.end({ timeout: 0 }).catch(() => {});
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
