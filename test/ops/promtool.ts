/** Runs promtool (Debian package `prometheus`; .ci/run installs it), failing clearly when it is missing. */
import { spawnSync } from 'node:child_process';

export interface PromtoolRun {
  status: number | null;
  output: string;
}

const MISSING =
  'promtool is not installed: `apt-get install -y --no-install-recommends prometheus` provides it (.ci/run installs it when missing)';

export function promtool(args: readonly string[], cwd: string): PromtoolRun {
  const run = spawnSync('promtool', args, { cwd, encoding: 'utf8', timeout: 60_000 });
  if (run.error && (run.error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(MISSING);
  if (run.error) throw run.error;
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

export function assertPromtoolOk(run: PromtoolRun, what: string): void {
  if (run.status !== 0) throw new Error(`${what} failed (exit ${run.status}):\n${run.output}`);
}
