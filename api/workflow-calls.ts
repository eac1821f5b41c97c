/** Sends an Update to an order workflow and turns Temporal's refusals into values the routes branch on. */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';

/** `missing`: no such workflow (never started, or past retention). */
export type Refused = { refused: true; reason: string; missing?: boolean };

/** Runs an Update; a validator's rejection or a closed workflow comes back as `{refused, reason}`. */
export async function updateOrRefusal<T>(call: () => Promise<T>): Promise<T | Refused> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) {
      return { refused: true, reason: error.cause?.message ?? error.message };
    }
    if (error instanceof WorkflowNotFoundError || isCompletedWorkflowError(error)) {
      return {
        refused: true,
        reason: 'the order workflow has finished',
        missing: error instanceof WorkflowNotFoundError,
      };
    }
    throw error;
  }
}

export function isRefused(value: unknown): value is Refused {
  return typeof value === 'object' && value !== null && (value as Refused).refused === true;
}

function isCompletedWorkflowError(error: unknown): boolean {
  return error instanceof Error && /workflow execution already completed/i.test(error.message);
}
