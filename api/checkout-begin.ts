/**
 * BEGIN: update-with-start of the order workflow, so one round trip answers the reservation. A line whose
 * item already has fewer units available than asked is refused before any workflow starts (one read on
 * the item's shard): the losers of a flash sale hear it at once. The workflow's reservation stays the
 * authority, so this can only refuse early, never oversell. With an
 * Idempotency-Key the order id comes from the key, the workflow id cannot be reused once closed, and the
 * begin Update has a fixed id, whose first outcome Temporal keeps: a repeat is answered from it.
 */
import { randomUUID } from 'node:crypto';
import {
  type Client,
  WithStartWorkflowOperation,
  type WorkflowExecutionDescription,
} from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import type { OrderLine } from '../domain/order-lines.js';
import {
  BEGIN_FINGERPRINT_MEMO,
  beginCheckoutUpdate,
  ORDER_WORKFLOW_TYPE,
  orderWorkflowId,
} from '../workflows/definitions.js';
import type { orderWorkflowV3 } from '../workflows/order/order-workflow.js';
import type { BeginCheckoutResult } from '../workflows/types.js';
import { beginFingerprint, orderIdForKey } from './idempotency.js';
import { ProblemError, problems } from './problem.js';
import type { Admission, StockAdmission } from './stock-admission.js';
import type { QueuedBegin, WaitingRoomGate } from './waiting-room/gate.js';

export interface BeginDeps {
  temporal: Client;
  orderTaskQueue: string;
  warehouseTaskQueue: string;
  reservationTtlSeconds: number;
  publicBaseUrl: string;
  /** The customer's cart lines, used when BEGIN has no `cart`. */
  cartOf(customerId: string): Promise<OrderLine[]>;
  /** Lets a checkout through to its workflow while its items' units cover it, or names what is short. */
  admission: Pick<StockAdmission, 'admit'>;
  /** Queues the BEGINs of hot items (none: no waiting rooms). */
  waitingRoom?: WaitingRoomGate;
}

export interface BeginRequest {
  customerId: string;
  cart: OrderLine[] | undefined;
  idempotencyKey: string | undefined;
  /** The Queue-Ticket header: an admitted ticket of the waiting room of a hot item in the cart. */
  queueTicket?: string | undefined;
}

const BEGIN_UPDATE_ID = 'begin-checkout';

export function newOrderId(): string {
  return `ord_${randomUUID().replaceAll('-', '')}`;
}

export async function beginCheckout(
  deps: BeginDeps,
  request: BeginRequest,
): Promise<BeginCheckoutResult | QueuedBegin> {
  const { customerId, cart, idempotencyKey } = request;
  if (idempotencyKey === undefined) {
    const lines = await linesFor(deps, request);
    const queued = await deps.waitingRoom?.check(customerId, lines, request.queueTicket);
    if (queued) return queued;
    const orderId = newOrderId();
    const admission = await deps.admission.admit(orderId, lines);
    if (!admission.ok) return outOfStock(admission);
    try {
      return await startOrder(deps, { orderId, customerId, lines });
    } finally {
      admission.release();
    }
  }
  const orderId = orderIdForKey(customerId, idempotencyKey);
  const fingerprint = beginFingerprint(cart);
  let lines: OrderLine[];
  try {
    lines = await linesFor(deps, request);
  } catch (error) {
    // A repeat whose cart has been emptied since still gets its first answer.
    const recorded = await recordedBegin(deps, orderId, fingerprint);
    if (recorded) return recorded;
    throw error;
  }
  const queued = await deps.waitingRoom?.check(customerId, lines, request.queueTicket);
  if (queued) return queued;
  const admission = await deps.admission.admit(orderId, lines);
  if (!admission.ok) {
    // A repeat of this key may miss exactly the units its first request holds: answer from that request.
    // The admission's read tells whether the order ever reserved, which spares the losers of a flash sale
    // a Temporal lookup each.
    const recorded = admission.reservedBefore ? await recordedBegin(deps, orderId, fingerprint) : undefined;
    return recorded ?? outOfStock(admission);
  }
  try {
    // A repeat (same key) reaches the running workflow and its begin Update's first answer.
    const result = await startOrder(deps, { orderId, customerId, lines, fingerprint });
    await assertSameRequest(deps, orderId, result, fingerprint);
    return result;
  } catch (error) {
    // The key's workflow has closed: answer from it.
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    const again = await recordedBegin(deps, orderId, fingerprint);
    if (!again) throw error;
    return again;
  } finally {
    admission.release();
  }
}

async function linesFor(deps: BeginDeps, request: BeginRequest): Promise<OrderLine[]> {
  const lines = request.cart ?? (await deps.cartOf(request.customerId));
  if (lines.length === 0) {
    throw new ProblemError(
      problems.validation('The cart is empty: send `cart` or add items first', [
        { field: 'cart', message: 'empty' },
      ]),
    );
  }
  return lines;
}

/** The OUT_OF_STOCK answer of a checkout the admission refused, before any workflow started. */
function outOfStock(refused: Extract<Admission, { ok: false }>): BeginCheckoutResult {
  return { ok: false, reason: 'OUT_OF_STOCK', lines: refused.short };
}

function startOrder(
  deps: BeginDeps,
  order: { orderId: string; customerId: string; lines: OrderLine[]; fingerprint?: string },
): Promise<BeginCheckoutResult> {
  const keyed = order.fingerprint !== undefined;
  return deps.temporal.workflow.executeUpdateWithStart(beginCheckoutUpdate, {
    args: [{ lines: order.lines }],
    ...(keyed ? { updateId: BEGIN_UPDATE_ID } : {}),
    startWorkflowOperation: new WithStartWorkflowOperation<typeof orderWorkflowV3>(ORDER_WORKFLOW_TYPE, {
      workflowId: orderWorkflowId(order.orderId),
      taskQueue: deps.orderTaskQueue,
      workflowIdConflictPolicy: 'USE_EXISTING',
      // A keyed order id names one checkout forever: a closed one must not start again.
      ...(keyed
        ? { workflowIdReusePolicy: 'REJECT_DUPLICATE', memo: { [BEGIN_FINGERPRINT_MEMO]: order.fingerprint } }
        : {}),
      args: [
        {
          orderId: order.orderId,
          customerId: order.customerId,
          reservationTtlSeconds: deps.reservationTtlSeconds,
          publicBaseUrl: deps.publicBaseUrl,
          warehouseTaskQueue: deps.warehouseTaskQueue,
        },
      ],
    }),
  });
}

async function describe(deps: BeginDeps, orderId: string): Promise<WorkflowExecutionDescription | undefined> {
  try {
    return await deps.temporal.workflow.getHandle(orderWorkflowId(orderId)).describe();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
}

const keyReused = () =>
  new ProblemError(
    problems.idempotencyKeyReused(
      'This Idempotency-Key was used for a checkout with a different body; use a new key',
      'Idempotency-Key',
    ),
  );

/**
 * Throws 422 when the key's order was begun by another body. The begin answer echoes the first request's
 * fingerprint; an order that predates the echo is asked for its memo.
 */
async function assertSameRequest(
  deps: BeginDeps,
  orderId: string,
  result: BeginCheckoutResult,
  fingerprint: string,
): Promise<void> {
  const recorded =
    result.requestFingerprint ?? (await describe(deps, orderId))?.memo?.[BEGIN_FINGERPRINT_MEMO];
  if (recorded !== undefined && recorded !== fingerprint) throw keyReused();
}

/** The first answer to this key's BEGIN, when the key was used before (with the same body: else 422). */
async function recordedBegin(
  deps: BeginDeps,
  orderId: string,
  fingerprint: string,
): Promise<BeginCheckoutResult | undefined> {
  const description = await describe(deps, orderId);
  if (!description) return undefined;
  if (description.memo?.[BEGIN_FINGERPRINT_MEMO] !== fingerprint) throw keyReused();
  return deps.temporal.workflow
    .getHandle(orderWorkflowId(orderId))
    .getUpdateHandle<BeginCheckoutResult>(BEGIN_UPDATE_ID)
    .result();
}
