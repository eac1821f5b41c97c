/** The workflow bundle's entry: every workflow a worker registers. */
export { fulfillmentWorkflow } from './fulfillment-workflow.js';
export { orderWorkflow } from './order-workflow.js';
