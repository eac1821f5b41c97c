/**
 * The durable shape of one order, as Temporal sees it, for the ceiling benchmark: a no-op workflow of
 * this shape on the same server at the same concurrency is the most the platform could place per
 * second with this design. When the order workflow is reshaped, update ORDER_FLOW_SHAPE to match
 * (workflows/order/order-workflow.ts, workflows/order/fulfillment.ts) and the ceiling follows.
 */

/** Steps run one after another: regular activities first, then local activities. */
export interface StepCounts {
  activities: number;
  localActivities: number;
}

export interface FlowShape {
  /** BEGIN: update-with-start; its handler runs these before it answers. */
  begin: StepCounts;
  /** The payment-details update; its handler runs these before it answers. */
  payment: StepCounts;
  /** After payment, the workflow body runs these; then the SUBMIT update (waiting meanwhile) answers. */
  beforeSubmitAnswer: StepCounts;
  /** The body's work after SUBMIT was answered (capture and the like). */
  afterSubmitAnswer: StepCounts;
  /** A child workflow started at the end (the fulfillment split), with its own steps; null: none. */
  child: StepCounts | null;
}

/** Today's order (orderWorkflowV3, gateway calls local) with one line, up to the warehouses being notified. */
export const ORDER_FLOW_SHAPE: FlowShape = {
  // beginOrder (price, reserve per shard, open the order) as one local activity
  begin: { activities: 0, localActivities: 1 },
  // providePayment only records the details
  payment: { activities: 0, localActivities: 0 },
  // startPaying, authorizeCharge (the gateway), confirmOrder (PENDING and commit): all local
  beforeSubmitAnswer: { activities: 0, localActivities: 3 },
  // capturePayment, loadSplitInputs and allocateSuborders (local), then notifyWarehouse (regular)
  afterSubmitAnswer: { activities: 1, localActivities: 3 },
  // the warehouse split runs inside the order workflow: no child
  child: null,
};

export const STEP_KEYS = ['begin', 'payment', 'beforeSubmitAnswer', 'afterSubmitAnswer'] as const;

/** Every count a whole number ≥ 0; throws naming the first that is not. */
export function assertValidShape(shape: FlowShape): void {
  const parts: [string, StepCounts][] = STEP_KEYS.map((k) => [k, shape[k]]);
  if (shape.child) parts.push(['child', shape.child]);
  for (const [name, counts] of parts) {
    for (const [kind, n] of Object.entries(counts)) {
      if (!Number.isInteger(n) || n < 0)
        throw new RangeError(`${name}.${kind} must be a whole number ≥ 0, got ${n}`);
    }
  }
}

/** Activities and local activities of one flow, all parts together. */
export function totalSteps(shape: FlowShape): StepCounts {
  const parts = [...STEP_KEYS.map((k) => shape[k]), ...(shape.child ? [shape.child] : [])];
  return {
    activities: parts.reduce((sum, p) => sum + p.activities, 0),
    localActivities: parts.reduce((sum, p) => sum + p.localActivities, 0),
  };
}

/** One line for the report, e.g. "update-with-start(3 act) → update(0) → update(3 act; +2 act after) → child(4 act)". */
export function describeShape(shape: FlowShape): string {
  const counts = (c: StepCounts) =>
    [c.activities ? `${c.activities} act` : '', c.localActivities ? `${c.localActivities} local` : '']
      .filter(Boolean)
      .join(' + ') || 'no steps';
  const submit = `update submit waits for ${counts(shape.beforeSubmitAnswer)}; then ${counts(shape.afterSubmitAnswer)}`;
  return [
    `update-with-start begin: ${counts(shape.begin)}`,
    `update payment: ${counts(shape.payment)}`,
    submit,
    ...(shape.child ? [`child: ${counts(shape.child)}`] : []),
  ].join(' → ');
}
