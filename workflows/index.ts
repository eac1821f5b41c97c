/** The workflow bundle's entry: every workflow a worker registers. */
export { orderWorkflow } from './order-workflow.js';
