import { setTimeout as sleep } from 'node:timers/promises';
import { VersionConflictError } from './errors.js';

/** How hard a version-checked write tries before it reports a VersionConflict. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  /** The n-th retry waits a uniformly random time in [0, min(maxDelayMs, baseDelayMs · 2^n)] ("full jitter"). */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * Generous on purpose: on a hot item every writer but one loses each round, and a writer that keeps
 * losing should still get its answer (success or OutOfStock) while stock lasts, not a VersionConflict.
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 60, baseDelayMs: 1, maxDelayMs: 40 };

export interface VersionRetryOptions {
  readonly retry?: Partial<RetryPolicy>;
  /** Called for every lost race (a metric hook: retries per success). */
  readonly onLostRace?: (entity: string, key: string, attempt: number) => void;
  readonly random?: () => number;
}

/** What an attempt returns when its `UPDATE … WHERE version = $v` matched no row. */
export const LOST_RACE: unique symbol = Symbol('lost race');
export type AttemptResult<T> = T | typeof LOST_RACE;

export function retryPolicyOf(options: VersionRetryOptions): RetryPolicy {
  const policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) {
    throw new RangeError(`maxAttempts must be a positive integer, got ${policy.maxAttempts}`);
  }
  return policy;
}

/**
 * Runs `attempt` until it does not lose a race, sleeping with jitter in between. Attempts usually run
 * inside one READ COMMITTED transaction: every statement takes a fresh snapshot, so the re-read of a
 * retry sees the winner's committed row.
 */
export async function retryOnLostRace<T>(
  options: VersionRetryOptions,
  entity: string,
  key: string,
  attempt: (attemptNumber: number) => Promise<AttemptResult<T>>,
): Promise<T> {
  const policy = retryPolicyOf(options);
  const random = options.random ?? Math.random;
  for (let attemptNumber = 1; ; attemptNumber++) {
    const result = await attempt(attemptNumber);
    if (result !== LOST_RACE) return result;
    options.onLostRace?.(entity, key, attemptNumber);
    if (attemptNumber >= policy.maxAttempts) throw new VersionConflictError(entity, key, attemptNumber);
    const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attemptNumber - 1));
    await sleep(random() * ceiling);
  }
}
