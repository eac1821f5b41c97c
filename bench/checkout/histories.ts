/**
 * What a flow costs the Temporal server, read from the histories of a sample of flows (each with its
 * child): events, workflow tasks, activities, local activities, updates, search-attribute upserts.
 */
import type { Client } from '@temporalio/client';

export interface HistoryCounts {
  events: number;
  workflowTasks: number;
  activities: number;
  localActivities: number;
  updates: number;
  childWorkflows: number;
  searchAttributeUpserts: number;
}

/** The parts of a history event this module reads: which attributes it carries. */
export interface HistoryEventLike {
  workflowTaskCompletedEventAttributes?: unknown;
  activityTaskScheduledEventAttributes?: unknown;
  markerRecordedEventAttributes?: { markerName?: string | null } | null;
  workflowExecutionUpdateAcceptedEventAttributes?: unknown;
  startChildWorkflowExecutionInitiatedEventAttributes?: unknown;
  upsertWorkflowSearchAttributesEventAttributes?: unknown;
}

/** The marker name the SDK's core gives a local activity's result. */
export const LOCAL_ACTIVITY_MARKER = 'core_local_activity';

export function countHistory(events: readonly HistoryEventLike[]): HistoryCounts {
  const has = (key: keyof HistoryEventLike) => events.filter((e) => e[key] != null).length;
  return {
    events: events.length,
    workflowTasks: has('workflowTaskCompletedEventAttributes'),
    activities: has('activityTaskScheduledEventAttributes'),
    // A local activity leaves a marker in its workflow's history (so does patched(), under another name).
    localActivities: events.filter(
      (e) => e.markerRecordedEventAttributes?.markerName === LOCAL_ACTIVITY_MARKER,
    ).length,
    updates: has('workflowExecutionUpdateAcceptedEventAttributes'),
    childWorkflows: has('startChildWorkflowExecutionInitiatedEventAttributes'),
    searchAttributeUpserts: has('upsertWorkflowSearchAttributesEventAttributes'),
  };
}

const ZERO: HistoryCounts = {
  events: 0,
  workflowTasks: 0,
  activities: 0,
  localActivities: 0,
  updates: 0,
  childWorkflows: 0,
  searchAttributeUpserts: 0,
};

export function addCounts(a: HistoryCounts, b: HistoryCounts): HistoryCounts {
  return Object.fromEntries(
    Object.keys(ZERO).map((k) => [k, a[k as keyof HistoryCounts] + b[k as keyof HistoryCounts]]),
  ) as unknown as HistoryCounts;
}

export function perFlow(total: HistoryCounts, flows: number): HistoryCounts {
  return Object.fromEntries(
    Object.entries(total).map(([k, v]) => [k, flows ? v / flows : Number.NaN]),
  ) as unknown as HistoryCounts;
}

/** Up to `size` elements spread evenly over `all`. */
export function evenSample<T>(all: readonly T[], size: number): T[] {
  if (all.length <= size) return [...all];
  return Array.from({ length: size }, (_, i) => all[Math.floor((i * all.length) / size)]!);
}

async function historyOf(client: Client, workflowId: string): Promise<HistoryCounts> {
  try {
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    return countHistory((history.events ?? []) as HistoryEventLike[]);
  } catch {
    return ZERO; // not started (yet): a child that never ran costs nothing
  }
}

/**
 * Average counts per flow over the sample, each flow's workflow ids together (the order and its
 * child). Flows go on working after their last answer (capture, the fulfillment split), so it reads
 * again until two readings agree, for at most `settleMs`.
 */
export async function historyCostPerFlow(
  client: Client,
  flows: readonly (readonly string[])[],
  settleMs = 60_000,
): Promise<{ sampled: number; perFlow: HistoryCounts; settled: boolean }> {
  const read = async () => {
    let total = ZERO;
    for (const ids of flows) {
      for (const id of ids) total = addCounts(total, await historyOf(client, id));
    }
    return total;
  };
  const deadline = Date.now() + settleMs;
  let previous = await read();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const current = await read();
    const settled = current.events === previous.events;
    if (settled || Date.now() > deadline)
      return { sampled: flows.length, perFlow: perFlow(current, flows.length), settled };
    previous = current;
  }
}
