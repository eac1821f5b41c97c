/**
 * Keeps a shard's pool for reads that may lag on a standby that answers. The primary watch hands it every
 * round of node readings; when the standby under the pool stops answering (dead, frozen, cut off) or is
 * promoted, the pool moves to another standby that answered, or the reads go to the primary until one does.
 *
 * Without it the pool would be the shard's `prefer-standby` URL alone, and a frozen standby would keep its
 * connections open: every catalog search on them would wait until it resumed.
 */
import type postgres from 'postgres';
import type { NodeReading } from './primary-watch.js';
import { singleNodeUrl, withSessionAttrs } from './shard-url.js';

/** How long queries in flight on a pool being left may still finish before its connections are closed. */
const RETIRE_TIMEOUT_SECONDS = 2;

export interface StandbyReadsOptions {
  /** The shard's multi-host URL. */
  url: string;
  makePool(url: string): postgres.Sql;
  /** The pool on the shard's primary, for when no standby answers. */
  primary(): postgres.Sql;
}

export class StandbyReads {
  /** The standby pool; undefined while reads go to the primary. */
  private pool: postgres.Sql | undefined;
  /** The standby (host and start time) the pool is on; undefined for the starting `prefer-standby` pool. */
  private standby: string | undefined;

  constructor(private readonly options: StandbyReadsOptions) {
    this.pool = options.makePool(withSessionAttrs(options.url, 'prefer-standby'));
  }

  get sql(): postgres.Sql {
    return this.pool ?? this.options.primary();
  }

  /** One round of readings from the primary watch: nodes that did not answer are missing from it. */
  follow(readings: readonly NodeReading[]): void {
    const standbys = readings.filter((reading) => !reading.writable);
    if (this.standby !== undefined && standbys.some((s) => s.identity === this.standby)) return;
    const next = standbys[0];
    if (!next) {
      if (this.pool) this.retire(undefined, undefined);
      return;
    }
    this.retire(this.options.makePool(singleNodeUrl(this.options.url, next.host)), next.identity);
  }

  async close(): Promise<void> {
    await this.pool?.end({ timeout: 5 });
  }

  private retire(pool: postgres.Sql | undefined, standby: string | undefined): void {
    const old = this.pool;
    this.pool = pool;
    this.standby = standby;
    void old?.end({ timeout: RETIRE_TIMEOUT_SECONDS }).catch(() => {});
  }
}
