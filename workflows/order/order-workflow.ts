/**
 * orderWorkflowV3 (and orderWorkflowV2, the same code asking its history about each patch): one workflow
 * per order, its whole life, shaped to cost the Temporal server little.
 * Begin checkout (price, reserve all or nothing, record the order: one local activity) → reservation
 * window → payment (gateway calls as local activities since the patch `gateway-calls-local` in steps.ts;
 * orders recorded before it keep regular ones) → the warehouse split and shipping, in this workflow →
 * delivered; or expiry, decline or cancellation, each with its compensations.
 *
 * `setup()` holds the messages (what may be asked in which state), `run()` the lifecycle.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  log,
  setHandler,
  type TemporalFailure,
  TimeoutFailure,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { FAILURE } from '../../domain/failure-types.js';
import type { OrderStatus } from '../../domain/order-status.js';
import {
  beginCheckoutUpdate,
  cancelOrderUpdate,
  cancelSignal,
  deliverSuborderUpdate,
  orderStateQuery,
  providePaymentUpdate,
  shipSuborderUpdate,
  submitOrderUpdate,
} from '../definitions.js';
import { cancelRefusal, isTerminal } from '../order-rules.js';
import { CUSTOMER_ID, ORDER_STATUS } from '../search-attributes.js';
import type {
  BeginCheckoutRequest,
  BeginCheckoutResult,
  OrderOutcome,
  OrderState,
  OrderWorkflowInput,
  PaymentDetails,
} from '../types.js';
import { failureReason } from './failure-reason.js';
import { Fulfillment } from './fulfillment.js';
import { takes } from './patches.js';
import {
  FAILED_ORDERS,
  GATEWAY_CALLS_LOCAL,
  LOST_ALLOCATIONS_RELEASED,
  LOST_PAYMENT_UNDONE,
  localPaymentSteps,
  localSteps,
  regularPaymentSteps,
  untilDoneSteps,
  VOID_REFUSALS_REFUNDED,
} from './steps.js';
import { startTimer } from './stoppable-timer.js';
import {
  type OrderMessages,
  refuseCancel,
  refuseDeliver,
  refusePayment,
  refuseShip,
  refuseSubmit,
  requestFingerprint,
  validateBegin,
} from './validators.js';

/** The order workflow BEGIN starts: every patch of ./steps.ts taken from its first task (./patches.ts). */
export async function orderWorkflowV3(input: OrderWorkflowInput): Promise<OrderState> {
  return runOrder(input);
}

/** The same code for orders begun before V3: each patch taken only where its history says so. */
export async function orderWorkflowV2(input: OrderWorkflowInput): Promise<OrderState> {
  return runOrder(input);
}

async function runOrder(input: OrderWorkflowInput): Promise<OrderState> {
  const order = new Order(input);
  order.setup();
  await order.run();
  // A cancel, submit or warehouse update still answering is let finish before the workflow closes.
  await condition(allHandlersFinished);
  return order.state;
}

class Order {
  readonly state: OrderState;
  private begun: Promise<BeginCheckoutResult> | undefined;
  private payment: PaymentDetails | undefined;
  private cancelRequested = false;
  /** The reservation timer: resolves true when the reservation lapses, false once it is stopped. */
  private reservation: { lapsed: Promise<boolean>; stop(): void } | undefined;
  private readonly fulfillment: Fulfillment;
  /** The forward step running, named in the reason of a failed order (a local activity's failure names none). */
  private step = '';

  constructor(private readonly input: OrderWorkflowInput) {
    this.state = {
      orderId: input.orderId,
      customerId: input.customerId,
      status: 'NEW',
      lines: [],
      totalCents: 0,
      payment: { outcome: 'NONE', capturedCents: 0, refundedCents: 0 },
      suborders: [],
    };
    this.fulfillment = new Fulfillment({
      orderId: input.orderId,
      customerId: input.customerId,
      warehouseTaskQueue: input.warehouseTaskQueue,
      state: this.state,
      cancelRequested: () => this.cancelRequested,
      publish: (status) => this.publish(status),
    });
  }

  // ---- messages -------------------------------------------------------------------------------------
  setup(): void {
    setHandler(orderStateQuery, () => this.state);

    setHandler(
      beginCheckoutUpdate,
      (request) => {
        // A repeated begin (client retry, duplicate request) gets the first answer.
        this.begun ??= this.beginCheckout(request).then((result) => ({
          ...result,
          ...requestFingerprint(),
        }));
        return this.begun;
      },
      { validator: validateBegin },
    );

    setHandler(
      providePaymentUpdate,
      (details) => {
        this.payment ??= details;
        return this.outcome();
      },
      { validator: (details) => refusePayment(this.messages(), details) },
    );

    setHandler(
      submitOrderUpdate,
      async () => {
        await condition(() => this.state.status !== 'RESERVED' && this.state.status !== 'PAYING');
        return this.outcome();
      },
      { validator: () => refuseSubmit(this.messages()) },
    );

    setHandler(cancelSignal, (request) => {
      const reason = cancelRefusal(this.state, this.fulfillment.shipRequested);
      if (reason) {
        log.warn('cancel signal ignored', { orderId: this.input.orderId, refusal: reason });
        return;
      }
      this.requestCancel(request?.reason);
    });

    setHandler(
      cancelOrderUpdate,
      async (request) => {
        this.requestCancel(request?.reason);
        await condition(() => isTerminal(this.state.status));
        return this.outcome();
      },
      { validator: (_request) => refuseCancel(this.messages()) },
    );

    setHandler(
      shipSuborderUpdate,
      async ({ suborderId }) => {
        this.fulfillment.request({ kind: 'SHIP', suborderId });
        await condition(() => this.fulfillment.suborder(suborderId)?.status !== 'ALLOCATED');
        return { ...this.fulfillment.suborder(suborderId)! };
      },
      { validator: (event) => refuseShip(this.messages(), event) },
    );

    setHandler(
      deliverSuborderUpdate,
      async ({ suborderId }) => {
        this.fulfillment.request({ kind: 'DELIVER', suborderId });
        await condition(() => this.fulfillment.suborder(suborderId)?.status === 'DELIVERED');
        return { ...this.fulfillment.suborder(suborderId)! };
      },
      { validator: (event) => refuseDeliver(this.messages(), event) },
    );
  }

  private messages(): OrderMessages {
    const { state, payment, cancelRequested, fulfillment } = this;
    return { state, payment, cancelRequested, fulfillment };
  }

  private requestCancel(reason: string | undefined): void {
    this.state.cancelReason = reason ?? 'requested';
    this.cancelRequested = true;
  }

  private outcome(): OrderOutcome {
    const { declineReason } = this.state.payment;
    const { failureReason } = this.state;
    return {
      orderId: this.input.orderId,
      status: this.state.status as OrderStatus,
      ...(declineReason ? { declineReason } : {}),
      ...(failureReason ? { failureReason } : {}),
    };
  }

  /** Shows a status (already persisted, or never persisted: CHECKOUT_REFUSED) to queries and operators. */
  private publish(status: OrderState['status']): void {
    this.state.status = status;
    upsertSearchAttributes([
      { key: ORDER_STATUS, value: status },
      { key: CUSTOMER_ID, value: this.input.customerId },
    ]);
  }

  // ---- the order's life -----------------------------------------------------------------------------
  async run(): Promise<void> {
    await condition(() => this.begun !== undefined);
    const begun = await this.begun!.catch(() => undefined);
    if (!begun?.ok) return;

    const payment = await this.awaitPayment();
    if (!payment) return;
    try {
      await this.payAndFulfil(payment);
    } catch (error) {
      if (!this.mayFail(error)) throw error;
      await this.fail(error);
    }
  }

  private async payAndFulfil(payment: PaymentDetails): Promise<void> {
    const authorizationId = await this.authorize(payment);
    if (!authorizationId) return;
    if (this.cancelRequested) {
      await this.gateway().voidPayment({ ...this.key(), authorizationId });
      this.state.payment = { ...this.state.payment, outcome: 'VOIDED' };
      await this.close('CANCELLED');
      return;
    }

    this.step = 'confirmOrder';
    await localSteps.confirmOrder({ ...this.key(), itemIds: this.itemIds() });
    this.publish('PENDING');
    const amountCents = this.state.totalCents;
    this.step = 'capturePayment';
    await this.gateway().capturePayment({ ...this.key(), authorizationId, amountCents });
    this.state.payment = { ...this.state.payment, outcome: 'CAPTURED', capturedCents: amountCents };

    const lines = this.state.lines.map(({ itemId, quantity }) => ({ itemId, quantity }));
    this.step = 'the warehouse split';
    let fulfilled: 'DELIVERED' | 'CANCELLED' = 'CANCELLED';
    if (!this.cancelRequested) fulfilled = await this.fulfillment.run(lines, payment.shippingAddress);
    // A workflow task lost after its allocation step took effect is run again; if a cancel arrived in
    // between, the split is skipped, and the units that lost attempt allocated must go back too.
    else if (takes(LOST_ALLOCATIONS_RELEASED)) await this.fulfillment.giveBack(this.itemIds());
    if (fulfilled === 'CANCELLED') {
      await this.gateway().refundPayment({ ...this.key(), authorizationId, amountCents });
      this.state.payment = { ...this.state.payment, outcome: 'REFUNDED', refundedCents: amountCents };
      await this.close('CANCELLED');
    }
  }

  private async beginCheckout(request: BeginCheckoutRequest): Promise<BeginCheckoutResult> {
    const { orderId, publicBaseUrl, reservationTtlSeconds } = this.input;
    // The deadline the shopper is told and the timer that enforces it start from the same clock reading.
    const expiresAt = new Date(Date.now() + reservationTtlSeconds * 1000).toISOString();
    this.reservation = startTimer(reservationTtlSeconds * 1000);
    let result: Awaited<ReturnType<typeof localSteps.beginOrder>>;
    try {
      result = await localSteps.beginOrder({ ...this.key(), lines: request.lines, expiresAt });
    } catch (error) {
      await untilDoneSteps.releaseOrderLines({ orderId, itemIds: request.lines.map((l) => l.itemId) });
      this.publish('CHECKOUT_REFUSED');
      throw error;
    }
    if (!result.ok) {
      this.publish('CHECKOUT_REFUSED');
      return result.reason === 'UNKNOWN_ITEMS'
        ? { ok: false, reason: 'UNKNOWN_ITEMS', itemIds: result.itemIds }
        : { ok: false, reason: 'OUT_OF_STOCK', lines: result.lines };
    }
    this.state.lines = result.lines;
    this.state.totalCents = result.totalCents;
    this.state.expiresAt = expiresAt;
    this.publish('RESERVED');
    return { ok: true, orderId, paymentUrl: `${publicBaseUrl}/checkout/${orderId}/payment`, expiresAt };
  }

  /** The payment details, or undefined when the reservation lapsed or was cancelled first (then closed). */
  private async awaitPayment(): Promise<PaymentDetails | undefined> {
    const reservation = this.reservation!;
    const answered = await Promise.race([
      reservation.lapsed.then(() => false),
      condition(() => this.payment !== undefined || this.cancelRequested).then(() => true),
    ]);
    reservation.stop();
    if (answered && this.payment) return this.payment;
    await this.closeUnpaid(answered ? 'CANCELLED' : 'EXPIRED');
    return undefined;
  }

  /**
   * Closes an order no payment reached. A workflow task lost after it took one (the update's acceptance
   * lost with it) may have left the steps after in effect: the row PAYING or PENDING, the card authorized
   * or captured, the holds committed, units allocated. Since LOST_PAYMENT_UNDONE these are given back
   * first; orders recorded before it close as they did.
   */
  private async closeUnpaid(status: 'EXPIRED' | 'CANCELLED'): Promise<void> {
    if (!takes(LOST_PAYMENT_UNDONE)) return this.close(status);
    const returned = await untilDoneSteps.returnHeldPayment(this.key());
    // Without an authorization, that task never got as far as committing the holds or allocating.
    if (returned.held) {
      const { authorizationId, outcome, capturedCents, refundedCents } = returned;
      this.state.payment = { ...this.state.payment, authorizationId, outcome, capturedCents, refundedCents };
      await this.fulfillment.giveBack(this.itemIds());
    }
    const closed = await untilDoneSteps.closeUnpaidOrder({
      ...this.key(),
      itemIds: this.itemIds(),
      status,
      ...this.cancelReasonFor(status),
    });
    this.publish(closed);
  }

  /** The authorization id, or undefined when the card was declined (then the order is closed). */
  private async authorize(payment: PaymentDetails): Promise<string | undefined> {
    this.step = 'startPaying';
    await localSteps.startPaying({ ...this.key(), shippingAddress: payment.shippingAddress });
    // PAYING lasts one gateway call: shown to queries, not worth a search-attribute update.
    this.state.status = 'PAYING';
    this.state.shippingCountry = payment.shippingAddress.country;
    this.step = 'authorizeCharge';
    const result = await this.gateway().authorizeCharge({
      ...this.key(),
      amountCents: this.state.totalCents,
      paymentToken: payment.paymentToken,
    });
    if (!result.ok) {
      this.state.payment = {
        ...this.state.payment,
        outcome: 'DECLINED',
        declineReason: result.declineReason,
      };
      await this.close('PAYMENT_FAILED');
      return undefined;
    }
    this.state.payment = {
      ...this.state.payment,
      outcome: 'AUTHORIZED',
      authorizationId: result.authorizationId,
    };
    return result.authorizationId;
  }

  /**
   * A step failed for good (no retry can fix it, or its bound ran out) while the order can still give
   * everything back: nothing has shipped or been asked to ship. Orders recorded before FAILED_ORDERS
   * keep failing their workflow as they did.
   */
  private mayFail(error: unknown): error is TemporalFailure {
    const stepFailed =
      error instanceof ActivityFailure ||
      error instanceof ApplicationFailure ||
      error instanceof TimeoutFailure;
    if (!stepFailed || isTerminal(this.state.status)) return false;
    if (this.fulfillment.shipRequested.size > 0) return false;
    return takes(FAILED_ORDERS);
  }

  /** Allocations, stock and money back, then FAILED with the reason. */
  private async fail(error: TemporalFailure): Promise<void> {
    this.state.failureReason = failureReason(error, this.step);
    log.warn('order failed', { orderId: this.input.orderId, reason: this.state.failureReason });
    await this.fulfillment.giveBack(this.itemIds());
    await this.giveMoneyBack();
    await this.close('FAILED', this.state.failureReason);
  }

  /**
   * A capture is refunded; an authorization voided, or refunded when the void finds it captured (a capture
   * whose answer was lost). An authorization that never answered moves no money and lapses at the gateway.
   */
  private async giveMoneyBack(): Promise<void> {
    const { outcome, authorizationId } = this.state.payment;
    if (!authorizationId) return;
    const amountCents = this.state.totalCents;
    const refund = async () => {
      await this.gateway().refundPayment({ ...this.key(), authorizationId, amountCents });
      this.state.payment = { ...this.state.payment, outcome: 'REFUNDED', refundedCents: amountCents };
    };
    if (outcome === 'CAPTURED') return refund();
    if (outcome !== 'AUTHORIZED') return;
    try {
      await this.gateway().voidPayment({ ...this.key(), authorizationId });
      this.state.payment = { ...this.state.payment, outcome: 'VOIDED' };
    } catch (error) {
      if (!(error instanceof ActivityFailure || this.voidRefusedAsLocalStep(error))) throw error;
      await refund();
    }
  }

  /**
   * A void refused because the payment is captured, as a local step reports it: the refusal itself, not
   * wrapped in an ActivityFailure. Orders recorded before VOID_REFUSALS_REFUNDED failed their workflow here.
   */
  private voidRefusedAsLocalStep(error: unknown): boolean {
    return (
      error instanceof ApplicationFailure &&
      error.type === FAILURE.paymentState &&
      takes(VOID_REFUSALS_REFUNDED)
    );
  }

  /** Holds back to stock and the order row closed, in one step. */
  private async close(status: 'EXPIRED' | 'CANCELLED' | 'PAYMENT_FAILED' | 'FAILED', reason?: string) {
    await untilDoneSteps.closeOrder({
      ...this.key(),
      itemIds: this.itemIds(),
      status,
      ...(reason ? { failureReason: reason } : {}),
      ...this.cancelReasonFor(status),
    });
    this.publish(status);
  }

  /**
   * The cancel's reason, recorded with the order row on the way to CANCELLED. Only the closing step's
   * input carries it: no new command, so every recorded history replays as before.
   */
  private cancelReasonFor(status: string): { cancelReason?: string } {
    const { cancelReason } = this.state;
    return status === 'CANCELLED' && cancelReason ? { cancelReason } : {};
  }

  /** How the gateway is called: local activities, except in orders recorded before the patch. */
  private gateway() {
    return takes(GATEWAY_CALLS_LOCAL) ? localPaymentSteps : regularPaymentSteps;
  }

  private key() {
    return { orderId: this.input.orderId, customerId: this.input.customerId };
  }

  private itemIds(): string[] {
    return this.state.lines.map((l) => l.itemId);
  }
}
