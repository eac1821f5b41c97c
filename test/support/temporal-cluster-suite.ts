/**
 * A Temporal cluster for one suite (the production topology: its own PostgreSQL, a process per service, two
 * history hosts), as mocha hooks registered inside the suite's `describe`; register it before the hooks that
 * need its address. The dev server the rest of the suite shares is left alone.
 */
import path from 'node:path';
import { parseProvider } from '../../scripts/lib/postgres-binaries.js';
import { TemporalCluster } from '../../scripts/lib/temporal-cluster/temporal-cluster.js';
import { testRunDir } from './run-dir.js';

export const SUITE_HISTORY_SHARDS = 4;

export interface TemporalClusterSuite {
  readonly cluster: TemporalCluster;
  readonly address: string;
}

export function useTemporalCluster(): TemporalClusterSuite {
  let cluster: TemporalCluster | undefined;
  before(async function () {
    // The first start on a machine builds the server with Go: minutes, once.
    this.timeout(15 * 60_000);
    const dir = path.join(testRunDir(), `temporal-cluster-${process.hrtime.bigint()}`);
    cluster = await TemporalCluster.start({
      baseDir: dir,
      fallbackDir: `${dir}-fallback`,
      historyShards: SUITE_HISTORY_SHARDS,
      namespace: 'default',
      provider: parseProvider(process.env['PG_PROVIDER']),
      durable: false,
    });
  });
  after(async () => {
    await cluster?.stop();
  });
  const started = () => {
    if (!cluster) throw new Error('useTemporalCluster: read the cluster in a test or a later hook');
    return cluster;
  };
  return {
    get cluster() {
      return started();
    },
    get address() {
      return started().address;
    },
  };
}
