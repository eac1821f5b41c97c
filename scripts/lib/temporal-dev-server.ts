/** The Temporal dev server as a managed process: `npm start` persists it to a file; chaos restarts it. */
import { Connection } from '@temporalio/client';
import { SearchAttributeType } from '@temporalio/common';
import { ORDER_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes.js';
import { ManagedProcess } from './managed-process.js';

/** How `temporal server start-dev --search-attribute` spells each type. */
const SEARCH_ATTRIBUTE_CLI_TYPE: Record<SearchAttributeType, string> = {
  [SearchAttributeType.TEXT]: 'Text',
  [SearchAttributeType.KEYWORD]: 'Keyword',
  [SearchAttributeType.INT]: 'Int',
  [SearchAttributeType.DOUBLE]: 'Double',
  [SearchAttributeType.BOOL]: 'Bool',
  [SearchAttributeType.DATETIME]: 'Datetime',
  [SearchAttributeType.KEYWORD_LIST]: 'KeywordList',
};

/** Flags every dev server we start needs (tests, `npm start`, chaos). */
export const TEMPORAL_DEV_SERVER_ARGS = [
  '--dynamic-config-value',
  'frontend.enableUpdateWorkflowExecution=true',
  '--dynamic-config-value',
  'frontend.enableExecuteMultiOperation=true',
  // One partition per task queue: a single-node server gains nothing from four, and its workers' few
  // pollers then never wait for a task to be forwarded between partitions. The ceiling flow on the
  // 2-core machine: 13.4 flows/s with four, 16.0 with one, the server using less CPU.
  '--dynamic-config-value',
  'matching.numTaskqueueReadPartitions=1',
  '--dynamic-config-value',
  'matching.numTaskqueueWritePartitions=1',
] as const;

/** `--search-attribute Name=Keyword` for every attribute the workflows upsert. */
export const SEARCH_ATTRIBUTE_FLAGS = ORDER_SEARCH_ATTRIBUTES.flatMap((key) => [
  '--search-attribute',
  `${key.name}=${SEARCH_ATTRIBUTE_CLI_TYPE[key.type]}`,
]);

export interface DevServerOptions {
  cli: string;
  /** SQLite file; the server keeps its state across restarts. */
  dbFile: string;
  ip: string;
  port: number;
  /** undefined → headless */
  uiPort?: number;
  /** The server's Prometheus `/metrics`; undefined → a port the server picks. */
  metricsPort?: number;
  onUnexpectedExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
  output?: (line: string) => void;
}

export function temporalDevServer(options: DevServerOptions): ManagedProcess {
  const args = [
    'server',
    'start-dev',
    '--db-filename',
    options.dbFile,
    '--sqlite-pragma',
    'journal_mode=wal',
    // In WAL mode a killed server loses nothing committed; only an OS crash can lose the last commits.
    // On the 2-core reference machine: 47 → 56 minimal checkout-shaped flows/s against synchronous=full.
    '--sqlite-pragma',
    'synchronous=normal',
    '--ip',
    options.ip,
    '--port',
    String(options.port),
    ...(options.uiPort === undefined ? ['--headless'] : ['--ui-port', String(options.uiPort)]),
    ...(options.metricsPort === undefined ? [] : ['--metrics-port', String(options.metricsPort)]),
    ...SEARCH_ATTRIBUTE_FLAGS,
    ...TEMPORAL_DEV_SERVER_ARGS,
    '--log-level',
    'error',
  ];
  return new ManagedProcess({
    name: 'temporal',
    command: options.cli,
    args,
    stopSignal: 'SIGTERM',
    onUnexpectedExit: options.onUnexpectedExit,
    output: options.output,
  });
}

/** Resolves once the frontend answers; throws after timeoutMs. */
export async function waitForTemporal(address: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await connection.workflowService.getSystemInfo({});
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new Error(`Temporal at ${address} did not come up: ${String(lastError)}`);
}
