/** Sends an Update to an order workflow and turns Temporal's refusals into values the routes branch on. */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';

/** The type of every refusal of a legacy order workflow (its validators throw plain errors). */
export const LEGACY_REFUSAL = 'Error';

/** No workflow to answer: it has finished (or never existed, or is past retention). */
export const WORKFLOW_CLOSED = 'WorkflowClosed';

/**
 * `type`: the refusal's ApplicationFailure type (REFUSAL in workflows/refusals.ts, or LEGACY_REFUSAL), or
 * WORKFLOW_CLOSED. `reason` is for people.
 */
export type Refused = { refused: true; type: string; reason: string };

/** Runs an Update; a validator's rejection or a closed workflow comes back as `{refused, type, reason}`. */
export async function updateOrRefusal<T>(call: () => Promise<T>): Promise<T | Refused> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) {
      const cause = error.cause;
      const type = cause instanceof ApplicationFailure && cause.type ? cause.type : LEGACY_REFUSAL;
      return { refused: true, type, reason: cause?.message ?? error.message };
    }
    if (error instanceof WorkflowNotFoundError || isCompletedWorkflowError(error)) {
      return { refused: true, type: WORKFLOW_CLOSED, reason: 'the order workflow has finished' };
    }
    throw error;
  }
}

export function isRefused(value: unknown): value is Refused {
  return typeof value === 'object' && value !== null && (value as Refused).refused === true;
}

/** Temporal's answer to an Update on a workflow that closed while it was being sent. */
function isCompletedWorkflowError(error: unknown): boolean {
  return error instanceof Error && /workflow execution already completed/i.test(error.message);
}
