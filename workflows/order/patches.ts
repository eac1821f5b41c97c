/**
 * The order's patches (named in ./steps.ts), as the running order takes them. orderWorkflowV2 asks its
 * history, so orders recorded before a patch keep their old path; each new patch costs such an order a
 * marker and a search-attribute upsert. orderWorkflowV3 runs the same code with every patch taken from
 * its first task, and never asks.
 */
import { patched, workflowInfo } from '@temporalio/workflow';
import { ORDER_WORKFLOW_V2_TYPE } from '../definitions.js';

export function takes(patchId: string): boolean {
  return workflowInfo().workflowType !== ORDER_WORKFLOW_V2_TYPE || patched(patchId);
}
