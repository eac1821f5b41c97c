import { ApplicationFailure } from '@temporalio/activity';

/** Failure types the workflow branches on; never retried. */
export const FAILURE = {
  unknownItems: 'UnknownItems',
  outOfStock: 'OutOfStock',
  invalidTransition: 'InvalidTransition',
} as const;

export function businessFailure(type: string, message: string, details?: unknown): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, type, details);
}
