/** Names of the ceiling flow, shared by its workflow, its worker and its driver. */
import { defineUpdate } from '@temporalio/workflow';

export const CEILING_TASK_QUEUE = 'bench-ceiling';
export const CEILING_WORKFLOW_TYPE = 'ceilingFlow';
export const ceilingChildId = (workflowId: string): string => `${workflowId}-child`;

export const ceilingBeginUpdate = defineUpdate<string>('begin');
export const ceilingPaymentUpdate = defineUpdate<string>('payment');
export const ceilingSubmitUpdate = defineUpdate<string>('submit');
