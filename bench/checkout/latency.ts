/** Latency samples and their percentiles (nearest rank), in milliseconds. */

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile of `sorted` (ascending); NaN for no samples. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function summarize(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
  };
}

/** Named latency series, filled while a phase runs. */
export class LatencyRecorder<Step extends string> {
  private readonly samples = new Map<Step, number[]>();

  record(step: Step, ms: number): void {
    const list = this.samples.get(step) ?? [];
    list.push(ms);
    this.samples.set(step, list);
  }

  /** Times `run` and records it under `step`, whether it resolves or throws. */
  async time<T>(step: Step, run: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await run();
    } finally {
      this.record(step, performance.now() - started);
    }
  }

  summaries(steps: readonly Step[]): Record<Step, LatencySummary> {
    return Object.fromEntries(steps.map((s) => [s, summarize(this.samples.get(s) ?? [])])) as Record<
      Step,
      LatencySummary
    >;
  }
}
