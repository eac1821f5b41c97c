/** The workflow bundle's entry: every workflow a worker registers. */

export { analyticsExportWorkflow } from './analytics/export-workflow.js';
export { fulfillmentWorkflow } from './legacy/fulfillment-workflow.js';
export { orderWorkflow } from './legacy/order-workflow.js';
export { orderWorkflowV2, orderWorkflowV3 } from './order/order-workflow.js';
export { waitingRoomWorkflow } from './waiting-room/waiting-room-workflow.js';
