/**
 * Production starts from a prebuilt bundle (`npm run build:workflows` → dist/workflow-bundle.js), so a
 * worker does not spend seconds compiling on every start; development falls back to the sources.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WorkerOptions } from '@temporalio/worker';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const WORKFLOWS_PATH = path.join(root, 'workflows', 'index.ts');
export const WORKFLOW_BUNDLE_PATH = path.join(root, 'dist', 'workflow-bundle.js');

export function workflowSource(): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  if (fs.existsSync(WORKFLOW_BUNDLE_PATH)) return { workflowBundle: { codePath: WORKFLOW_BUNDLE_PATH } };
  return { workflowsPath: WORKFLOWS_PATH };
}
