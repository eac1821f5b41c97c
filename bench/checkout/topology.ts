/**
 * The Temporal topologies a benchmark run compares: `dev` (the Temporal dev server, one process on a SQLite
 * file) and `cluster:N` (the production-shaped cluster: frontend, matching, worker and history processes on
 * their own PostgreSQL, with N history shards).
 */

export type Topology = { kind: 'dev' } | { kind: 'cluster'; historyShards: number };

export const DEFAULT_TOPOLOGIES = 'dev,cluster:4,cluster:16';

export function topologyLabel(topology: Topology): string {
  return topology.kind === 'dev' ? 'dev' : `cluster:${topology.historyShards}`;
}

function parseOne(raw: string): Topology {
  if (raw === 'dev') return { kind: 'dev' };
  const cluster = /^cluster:(.*)$/.exec(raw);
  if (cluster) {
    const shards = Number(cluster[1]);
    if (!/^\d+$/.test(cluster[1]!) || !Number.isSafeInteger(shards) || shards <= 0)
      throw new RangeError(`--topologies: ${raw}: history shards must be a positive integer`);
    return { kind: 'cluster', historyShards: shards };
  }
  if (raw === 'cluster')
    throw new RangeError('--topologies: cluster needs its history shards, e.g. cluster:4');
  throw new RangeError(`--topologies: unknown topology ${raw} (dev, or cluster:N)`);
}

/** `dev,cluster:4,cluster:16` → the topologies in that order; each at most once. */
export function parseTopologies(raw: string): Topology[] {
  const labels = raw.split(',').map((part) => part.trim());
  if (labels.some((label) => label === '')) throw new RangeError(`--topologies: empty entry in ${raw}`);
  const topologies = labels.map(parseOne);
  const seen = new Set<string>();
  for (const topology of topologies) {
    const label = topologyLabel(topology);
    if (seen.has(label)) throw new RangeError(`--topologies: ${label} is listed twice`);
    seen.add(label);
  }
  return topologies;
}

/**
 * Names the benchmark gives Temporal's processes in its CPU figures: `temporal` for the dev server, and
 * `temporal-<service>` for each of the cluster's services and `temporal-db` for its PostgreSQL.
 */
export function isTemporalProcess(name: string): boolean {
  return name === 'temporal' || name.startsWith('temporal-');
}
