/**
 * Builds the workflow bundle once for production start-up (the Dockerfile runs it):
 * `npm run build:workflows [-- <output path>]`, default dist/workflow-bundle.js. Beside it goes its traced
 * twin (`.traced.js`, with the OpenTelemetry workflow interceptors), which the worker loads instead when
 * tracing is on (observability/temporal-tracing.ts): a bundle cannot take interceptor modules at start-up.
 */
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { tracedBundlePath, WORKFLOW_TRACING_MODULE } from '../observability/temporal-tracing.js';
import { DEFAULT_WORKFLOW_BUNDLE_PATH, WORKFLOWS_PATH } from '../workers/workflow-source.js';

/** Writes the bundle to `output` and, unless `traced` is false, its traced twin beside it. */
export async function buildWorkflowBundle(
  output = DEFAULT_WORKFLOW_BUNDLE_PATH,
  { traced = true }: { traced?: boolean } = {},
): Promise<string> {
  const bundle = (workflowInterceptorModules: string[]) =>
    bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, workflowInterceptorModules, logger: quiet });
  fs.mkdirSync(path.dirname(output), { recursive: true });
  fs.writeFileSync(output, (await bundle([])).code);
  if (traced) fs.writeFileSync(tracedBundlePath(output), (await bundle([WORKFLOW_TRACING_MODULE])).code);
  return output;
}

const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error };

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const output = await buildWorkflowBundle(process.argv[2] ? path.resolve(process.argv[2]) : undefined);
  console.log(
    `workflow bundle written: ${path.relative(process.cwd(), output)} (${fs.statSync(output).size} bytes)`,
  );
}
