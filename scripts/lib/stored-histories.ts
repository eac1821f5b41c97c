/**
 * Replays the running workflows a persisted Temporal server holds against today's workflow bundle,
 * before any worker takes their tasks. Histories recorded by an older, incompatible version of the
 * workflows would otherwise fail every workflow task with a stack trace in the worker's log.
 */
import { Client, Connection } from '@temporalio/client';
import { Worker } from '@temporalio/worker';

export interface StaleHistory {
  workflowId: string;
  reason: string;
}

export interface StoredHistoriesCheck {
  checked: number;
  stale: StaleHistory[];
}

/** The newest `limit` running workflows are enough: a break shows in every history of its shape. */
export async function replayStoredHistories(options: {
  address: string;
  namespace: string;
  bundlePath: string;
  /** Which workflows to check; default every running one. */
  query?: string;
  limit?: number;
}): Promise<StoredHistoriesCheck> {
  const connection = await Connection.connect({ address: options.address });
  try {
    const client = new Client({ connection, namespace: options.namespace });
    const histories = [];
    for await (const execution of client.workflow.list({
      query: options.query ?? 'ExecutionStatus="Running"',
    })) {
      const history = await client.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
      histories.push({ workflowId: execution.workflowId, history });
      if (histories.length >= (options.limit ?? 100)) break;
    }
    const stale: StaleHistory[] = [];
    for await (const result of Worker.runReplayHistories(
      { workflowBundle: { codePath: options.bundlePath }, replayName: 'stored-histories' },
      histories,
    )) {
      if (result.error) stale.push({ workflowId: result.workflowId, reason: firstLine(result.error) });
    }
    return { checked: histories.length, stale };
  } finally {
    await connection.close();
  }
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const detail = /Nondeterminism error: ([^"]+)/.exec(message)?.[1];
  const firstSentence = message.split('\n')[0]?.split(/(?<=\.) /)[0];
  return (detail ?? firstSentence ?? 'replay failed').slice(0, 240);
}

/** What an operator reads when the stored histories no longer fit the code: the cause and the ways out. */
export function staleHistoriesAdvice(
  check: StoredHistoriesCheck,
  where: { temporalAddress: string; dbFile: string; dataDir: string },
): string {
  const { temporalAddress, dbFile, dataDir } = where;
  const example = check.stale[0];
  return [
    `${check.stale.length} of the ${check.checked} running workflows stored in ${dbFile} no longer replay against this code`,
    `  (first: ${example?.workflowId}: ${example?.reason}).`,
    '  They were started by an earlier, incompatible version of the workflows. Either:',
    '  - finish them with the code that started them (check out that commit, npm start, let them end), or',
    `  - terminate them: temporal --address ${temporalAddress} workflow terminate --query 'ExecutionStatus="Running"' --reason stale --yes`,
    `  - or start afresh: remove ${dataDir} (Temporal's state, the shards' orders and stock; the demo catalog is seeded again).`,
  ].join('\n');
}
