/**
 * The transient test card's behaviour: the first `failures` calls for an idempotency key fail, later ones
 * go through. Counted in memory, per gateway instance (a restarted worker starts counting afresh, which a
 * real flaky provider would do too). Entries are forgotten once the call is recorded, and the map is
 * bounded so a key that is never retried to success cannot grow it without limit.
 */
export interface TransientFailures {
  /** Counts this call; true while the key has not yet failed `failures` times. */
  shouldFail(idempotencyKey: string): boolean;
  forget(idempotencyKey: string): void;
}

export function createTransientFailures({
  failures = 2,
  maxTrackedKeys = 10_000,
}: {
  failures?: number;
  maxTrackedKeys?: number;
} = {}): TransientFailures {
  const calls = new Map<string, number>();
  return {
    shouldFail(idempotencyKey) {
      const seen = calls.get(idempotencyKey) ?? 0;
      if (seen >= failures) return false;
      if (!calls.has(idempotencyKey) && calls.size >= maxTrackedKeys) {
        const oldest = calls.keys().next();
        if (!oldest.done) calls.delete(oldest.value);
      }
      calls.set(idempotencyKey, seen + 1);
      return true;
    },
    forget(idempotencyKey) {
      calls.delete(idempotencyKey);
    },
  };
}
