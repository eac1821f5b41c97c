/**
 * Which items have a waiting room, as this API process knows it: the running waiting room workflows of
 * the order task queue, listed from Temporal's visibility every `refreshMs` (one call, whatever the
 * catalog), so every API process agrees within a moment and a restarted one knows at once. What this
 * process marks or unmarks itself counts at once, and outlasts a listing that does not show it yet.
 */
import type { Client } from '@temporalio/client';
import { loggableError } from '../../db/errors.js';
import type { Logger } from '../../observability/logger.js';
import { WAITING_ROOM_WORKFLOW_TYPE, waitingRoomWorkflowId } from '../../workflows/definitions.js';

export interface HotItems {
  isHot(itemId: string): boolean;
  /** This process opened the item's room. */
  marked(itemId: string): void;
  /** The item's room has closed (ended by this process, or found closed). */
  unmarked(itemId: string): void;
  /** Resolves after the first listing (or its failure). */
  start(): Promise<void>;
  close(): void;
}

export interface HotItemsDeps {
  temporal: Client;
  orderTaskQueue: string;
  logger: Logger;
  refreshMs?: number;
  /** How long a local mark or unmark wins over listings that may predate it. */
  localWinsMs?: number;
}

const ID_PREFIX = waitingRoomWorkflowId('');

export function createHotItems({
  temporal,
  orderTaskQueue,
  logger,
  refreshMs = 1_000,
  localWinsMs = 10_000,
}: HotItemsDeps): HotItems {
  let listed = new Set<string>();
  const local = new Map<string, { hot: boolean; until: number }>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const query =
    `WorkflowType = '${WAITING_ROOM_WORKFLOW_TYPE}' AND ExecutionStatus = 'Running' ` +
    `AND TaskQueue = '${orderTaskQueue.replaceAll("'", "\\'")}'`;

  async function refresh(): Promise<void> {
    try {
      const running = new Set<string>();
      for await (const execution of temporal.workflow.list({ query })) {
        if (execution.workflowId.startsWith(ID_PREFIX)) {
          running.add(execution.workflowId.slice(ID_PREFIX.length));
        }
      }
      listed = running;
    } catch (error) {
      logger.warn('waiting rooms: cannot list the hot items', { error: loggableError(error) });
    }
  }

  const schedule = () => {
    if (closed) return;
    timer = setTimeout(() => void refresh().finally(schedule), refreshMs);
    timer.unref();
  };

  const setLocal = (itemId: string, hot: boolean) =>
    local.set(itemId, { hot, until: Date.now() + localWinsMs });

  return {
    isHot(itemId) {
      const mark = local.get(itemId);
      if (mark && mark.until > Date.now()) return mark.hot;
      if (mark) local.delete(itemId);
      return listed.has(itemId);
    },
    marked: (itemId) => setLocal(itemId, true),
    unmarked: (itemId) => setLocal(itemId, false),
    async start() {
      await refresh();
      schedule();
    },
    close() {
      closed = true;
      clearTimeout(timer);
    },
  };
}
