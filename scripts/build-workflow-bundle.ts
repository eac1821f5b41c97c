/**
 * Builds the workflow bundle once for production start-up (the Dockerfile runs it):
 * `npm run build:workflows [-- <output path>]`, default dist/workflow-bundle.js.
 */
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { DEFAULT_WORKFLOW_BUNDLE_PATH, WORKFLOWS_PATH } from '../workers/workflow-source.js';

export async function buildWorkflowBundle(output = DEFAULT_WORKFLOW_BUNDLE_PATH): Promise<string> {
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quiet });
  fs.mkdirSync(path.dirname(output), { recursive: true });
  fs.writeFileSync(output, code);
  return output;
}

const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error };

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const output = await buildWorkflowBundle(process.argv[2] ? path.resolve(process.argv[2]) : undefined);
  console.log(
    `workflow bundle written: ${path.relative(process.cwd(), output)} (${fs.statSync(output).size} bytes)`,
  );
}
