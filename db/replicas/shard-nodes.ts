/**
 * Every node of a shard as `/health` reports it: its role, whether it answered, and how far a standby's
 * replay is behind the primary's WAL, in bytes. Each node is asked directly, on a connection of its own.
 */
import postgres from 'postgres';
import { hostsOf, singleNodeUrl } from './shard-url.js';

export interface ShardNode {
  address: string;
  role: 'primary' | 'standby' | 'unknown';
  ok: boolean;
  /** Standby: bytes of the primary's WAL not yet replayed; primary: 0; unknown when either did not answer. */
  lagBytes: number | null;
  error?: string;
}

const NODE_TIMEOUT_MS = 1_000;

interface NodeReading {
  address: string;
  standby?: boolean;
  lsn?: bigint;
  error?: string;
}

/** `X/Y` (two hex halves) as a byte position. */
export function lsnBytes(lsn: string): bigint {
  const [high, low] = lsn.split('/');
  return (BigInt(`0x${high}`) << 32n) + BigInt(`0x${low}`);
}

async function readNode(url: string, address: string, connectTimeoutSeconds: number): Promise<NodeReading> {
  const sql = postgres(singleNodeUrl(url, address), {
    max: 1,
    connect_timeout: connectTimeoutSeconds,
    idle_timeout: 0,
    onnotice: () => {},
    connection: { application_name: 'order-platform:health' },
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    const rows = await Promise.race([
      sql<{ standby: boolean; lsn: string }[]>`
        select pg_is_in_recovery() as standby,
          (case when pg_is_in_recovery() then pg_last_wal_replay_lsn() else pg_current_wal_lsn() end)::text as lsn`,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${NODE_TIMEOUT_MS} ms`)),
          NODE_TIMEOUT_MS,
        );
      }),
    ]);
    const row = rows[0]!;
    return { address, standby: row.standby, ...(row.lsn ? { lsn: lsnBytes(row.lsn) } : {}) };
  } catch (error) {
    return { address, error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
    void sql.end({ timeout: 0 }).catch(() => {});
  }
}

export async function describeNodes(url: string, connectTimeoutSeconds = 1): Promise<ShardNode[]> {
  const readings = await Promise.all(
    hostsOf(url).map((address) => readNode(url, address, connectTimeoutSeconds)),
  );
  const primaryLsn = readings.find((r) => r.standby === false)?.lsn;
  return readings.map((r): ShardNode => {
    if (r.error !== undefined || r.standby === undefined) {
      return {
        address: r.address,
        role: 'unknown',
        ok: false,
        lagBytes: null,
        error: r.error ?? 'no answer',
      };
    }
    if (!r.standby) return { address: r.address, role: 'primary', ok: true, lagBytes: 0 };
    const lag = primaryLsn !== undefined && r.lsn !== undefined ? primaryLsn - r.lsn : undefined;
    return {
      address: r.address,
      role: 'standby',
      ok: true,
      lagBytes: lag === undefined ? null : Number(lag > 0n ? lag : 0n),
    };
  });
}

/** Throws unless `sql` reaches a server that takes writes (a primary, not a standby). */
export async function assertWritablePrimary(sql: postgres.Sql): Promise<void> {
  const [row] = await sql<{ standby: boolean }[]>`select pg_is_in_recovery() as standby`;
  if (row?.standby !== false) throw new Error('reached a standby: no writable primary');
}
