import { CancellationScope, sleep } from '@temporalio/workflow';

/** A timer that can be stopped (its cancellation is recorded, so it never wakes the workflow later). */
export function startTimer(ms: number): { lapsed: Promise<boolean>; stop(): void } {
  const scope = new CancellationScope();
  const lapsed = scope
    .run(() => sleep(ms))
    .then(
      () => true,
      () => false,
    );
  return { lapsed, stop: () => scope.cancel() };
}
