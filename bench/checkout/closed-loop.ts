/** `concurrency` workers, each repeating `iteration` back to back until the time is up. */

export interface ClosedLoopResult {
  seconds: number;
  iterations: number;
}

export async function runClosedLoop(options: {
  concurrency: number;
  seconds: number;
  iteration: (worker: number) => Promise<void>;
}): Promise<ClosedLoopResult> {
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  let iterations = 0;
  await Promise.all(
    Array.from({ length: options.concurrency }, async (_, worker) => {
      while (performance.now() < deadline) {
        await options.iteration(worker);
        iterations++;
      }
    }),
  );
  return { seconds: (performance.now() - started) / 1000, iterations };
}
