/**
 * Workflow bundles for replay tests and history recording: today's workflow code, or a mutated copy of
 * it (two steps swapped, a guard removed) that proves a replay check really checks.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';

export const PROJECT_ROOT_DIR = fileURLToPath(new URL('../../', import.meta.url));
export const WORKFLOWS_ENTRY = path.join(PROJECT_ROOT_DIR, 'workflows', 'index.ts');

/** The bundler reports every module it packs; only its errors matter here. */
export const quietLogger = {
  log: () => {},
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: (message: string, meta?: Record<string, unknown>) => console.error(message, meta),
};

export function bundleWorkflows(
  workflowsPath = WORKFLOWS_ENTRY,
  workflowInterceptorModules: string[] = [],
): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath, workflowInterceptorModules, logger: quietLogger });
}

/**
 * Copies the workflow sources (and the pure domain code they import) into a scratch directory inside
 * the project (so imports of dependencies resolve), applies `mutate` to one file, and returns the copy's
 * workflows entry. The caller removes `dir` when done.
 */
export function mutantWorkflows(
  file: string,
  mutate: (source: string) => string,
): { dir: string; workflowsPath: string } {
  const dir = fs.mkdtempSync(path.join(PROJECT_ROOT_DIR, '.tmp-replay-mutant-'));
  for (const folder of ['workflows', 'domain']) {
    fs.cpSync(path.join(PROJECT_ROOT_DIR, folder), path.join(dir, folder), { recursive: true });
  }
  const target = path.join(dir, 'workflows', file);
  const original = fs.readFileSync(target, 'utf8');
  const mutated = mutate(original);
  assert.notEqual(mutated, original, 'the mutation must change the source');
  fs.writeFileSync(target, mutated);
  return { dir, workflowsPath: path.join(dir, 'workflows', 'index.ts') };
}
