/** Builds the workflow bundle once for production start-up (the Dockerfile runs it). */
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOW_BUNDLE_PATH, WORKFLOWS_PATH } from '../workers/workflow-source.js';

const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH });
fs.mkdirSync(path.dirname(WORKFLOW_BUNDLE_PATH), { recursive: true });
fs.writeFileSync(WORKFLOW_BUNDLE_PATH, code);
console.log(
  `workflow bundle written: ${path.relative(process.cwd(), WORKFLOW_BUNDLE_PATH)} (${code.length} bytes)`,
);
