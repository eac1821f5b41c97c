/** Live progress of a phase: one line a second with what is done, the rate now and on average, errors. */

export interface ProgressSource {
  /** What the phase counts (orders placed, flows, checkouts begun). */
  done(): number;
  errors(): number;
}

export function startProgress(phase: string, unit: string, source: ProgressSource): () => void {
  const started = performance.now();
  let last = { at: started, done: 0 };
  const timer = setInterval(() => {
    const now = performance.now();
    const done = source.done();
    const recent = (done - last.done) / ((now - last.at) / 1000);
    const average = done / ((now - started) / 1000);
    last = { at: now, done };
    const seconds = Math.round((now - started) / 1000);
    console.log(
      `[${phase}] ${String(seconds).padStart(4)}s  ${unit} ${done}  ` +
        `${recent.toFixed(1)}/s now, ${average.toFixed(1)}/s avg  errors ${source.errors()}`,
    );
  }, 1_000);
  timer.unref();
  return () => clearInterval(timer);
}
