/** What every chaos scenario shares: its defaults, waiting for the load to build up, and the clean verdict. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { testRunDir } from '../../support/run-dir.js';
import type { FaultContext, ScenarioOptions, ScenarioReport } from './run-scenario.js';

const SEED = Number(process.env['CHAOS_SEED'] ?? Date.now() % 1_000_000);
const EVEN_STOCK = { 'wh-east': 6, 'wh-central': 6, 'wh-west': 6 } as const;

export function options(
  name: string,
  overrides: Partial<ScenarioOptions> & Pick<ScenarioOptions, 'faults'>,
): ScenarioOptions {
  return {
    name,
    seed: SEED,
    dir: path.join(testRunDir(), 'chaos'),
    temporalCli: process.env['TEMPORAL_CLI']!,
    orders: 200,
    concurrency: 16,
    stock: EVEN_STOCK,
    itemCount: 12,
    reservationTtlSeconds: 12,
    log: (message) => console.log(`      ${message}`),
    ...overrides,
  };
}

/** Waits until `count` orders were placed, or every shopper is done. */
export async function untilAcknowledged(ctx: FaultContext, count: number): Promise<void> {
  while (ctx.acknowledged() < count && !ctx.loadFinished())
    await new Promise((resolve) => setTimeout(resolve, 100));
}

export function assertClean(report: ScenarioReport): void {
  console.log(
    `      ${report.name}: ${report.driver.acknowledged} orders ${JSON.stringify(report.verdict.ordersByStatus)}, ` +
      `${report.verdict.unitsSold} units sold, faults ${report.faults.map((f) => `${f.fault} → ${f.recoveryMs ?? '?'} ms`).join('; ')}, ` +
      `${Math.round(report.durationMs / 1000)} s`,
  );
  assert.deepEqual(report.violations, [], `seed ${report.seed}`);
  assert.ok(report.quiescence.reached, `seed ${report.seed}: workflows still running`);
}
