/** The requests one schemathesis run made, as scripts/fuzz/hooks.py recorded them (one JSON line each). */
import fs from 'node:fs';

export interface RecordedCall {
  operation: string;
  status: number;
  /** The kind of hostile text the case carried (`nul`, `surrogate`, `invalid-utf8`, `control`), if any. */
  hostile: string | null;
  requestId: string | null;
  request?: { method: string; url: string; body: string };
  response?: string;
}

export interface RecordSummary {
  cases: number;
  /** Cases per kind of hostile text. */
  hostile: Record<string, number>;
  serverErrors: RecordedCall[];
}

export function readRecord(file: string): RecordedCall[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as RecordedCall);
}

export function summarize(calls: readonly RecordedCall[]): RecordSummary {
  const hostile: Record<string, number> = {};
  for (const call of calls) if (call.hostile) hostile[call.hostile] = (hostile[call.hostile] ?? 0) + 1;
  return { cases: calls.length, hostile, serverErrors: calls.filter((call) => call.status >= 500) };
}
