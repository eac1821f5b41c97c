/** What one check found on one shard (db/invariants.ts's checks, or the order workflows' in Temporal). */
export interface CheckResult {
  invariant: number;
  name: string;
  shard: string;
  rowsExamined: number;
  violations: { shard: string; key: string; message: string }[];
}

/** One invariant over every shard: what `npm run verify` prints per check. */
export type InvariantTotal = Omit<CheckResult, 'shard'>;

/** What each check counts as a row: items (1–3), orders (4), held reservations (5), unfinished orders (6). */
const unitOf = (invariant: number) =>
  invariant <= 3 ? 'items' : invariant === 5 ? 'held reservations' : 'orders';

export function totalsPerInvariant(results: readonly CheckResult[]): InvariantTotal[] {
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

export function progressLine(result: CheckResult): string {
  return `${result.shard}: invariant ${result.invariant} (${result.name}): ${result.rowsExamined} ${unitOf(result.invariant)}, ${result.violations.length} violation(s)`;
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
