import type { InvariantCheckResult } from '../../db/invariants.js';

/** One invariant over every shard: what `npm run verify` prints per check. */
export interface InvariantTotal {
  invariant: InvariantCheckResult['invariant'];
  name: string;
  rowsExamined: number;
  violations: InvariantCheckResult['violations'];
}

export function totalsPerInvariant(results: readonly InvariantCheckResult[]): InvariantTotal[] {
  const totals = new Map<number, InvariantTotal>();
  for (const result of results) {
    const total = totals.get(result.invariant) ?? {
      invariant: result.invariant,
      name: result.name,
      rowsExamined: 0,
      violations: [],
    };
    total.rowsExamined += result.rowsExamined;
    total.violations.push(...result.violations);
    totals.set(result.invariant, total);
  }
  return [...totals.values()].sort((a, b) => a.invariant - b.invariant);
}

export function progressLine(result: InvariantCheckResult): string {
  const unit = result.invariant === 4 ? 'orders' : 'items';
  return `${result.shard}: invariant ${result.invariant} (${result.name}): ${result.rowsExamined} ${unit}, ${result.violations.length} violation(s)`;
}

/** The summary table, then each check's violating rows, at most `limit` per check. */
export function reportLines(totals: readonly InvariantTotal[], limit: number): string[] {
  const nameWidth = Math.max(5, ...totals.map((t) => t.name.length));
  const lines = [
    `${'#'.padEnd(2)} ${'check'.padEnd(nameWidth)} ${'rows'.padStart(9)} ${'violations'.padStart(10)}`,
  ];
  for (const total of totals) {
    lines.push(
      `${String(total.invariant).padEnd(2)} ${total.name.padEnd(nameWidth)} ${String(total.rowsExamined).padStart(9)} ${String(total.violations.length).padStart(10)}`,
    );
  }
  for (const total of totals.filter((t) => t.violations.length > 0)) {
    lines.push('', `VIOLATED invariant ${total.invariant} (${total.name}):`);
    for (const v of total.violations.slice(0, limit)) lines.push(`  ${v.shard} ${v.key}: ${v.message}`);
    const more = total.violations.length - limit;
    if (more > 0) lines.push(`  … and ${more} more (raise --limit to see them)`);
  }
  return lines;
}
