/**
 * Where a worker gets its workflow code: production starts from a bundle built once
 * (`npm run build:workflows`, WORKFLOW_BUNDLE_PATH), so a start-up does not spend seconds compiling;
 * without it the worker bundles workflows/ from source, so development always runs the current code.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WorkerOptions } from '@temporalio/worker';
import { ConfigError } from '../config/env.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const WORKFLOWS_PATH = path.join(root, 'workflows', 'index.ts');
export const DEFAULT_WORKFLOW_BUNDLE_PATH = path.join(root, 'dist', 'workflow-bundle.js');

export function workflowSource(
  bundlePath: string | undefined,
): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  if (bundlePath === undefined) return { workflowsPath: WORKFLOWS_PATH };
  if (!fs.existsSync(bundlePath)) {
    throw new ConfigError(
      `WORKFLOW_BUNDLE_PATH=${bundlePath} does not exist; build it with npm run build:workflows`,
    );
  }
  return { workflowBundle: { codePath: bundlePath } };
}
