/**
 * orderWorkflowV2: one workflow per order, its whole life, shaped to cost the Temporal server little.
 * Begin checkout (price, reserve all or nothing, record the order: one local activity) → reservation
 * window → payment (gateway calls as local activities since the patch `gateway-calls-local` in steps.ts;
 * orders recorded before it keep regular ones) → the warehouse split and shipping, in this workflow →
 * delivered; or expiry, decline or cancellation, each with its compensations.
 *
 * `setup()` holds the messages (what may be asked in which state), `run()` the lifecycle.
 */
import {
  allHandlersFinished,
  CancellationScope,
  condition,
  log,
  patched,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { OrderStatus } from '../../domain/order-status.js';
import {
  BEGIN_FINGERPRINT_MEMO,
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
import { REFUSAL, refusal } from '../refusals.js';
import { CUSTOMER_ID, ORDER_STATUS } from '../search-attributes.js';
import type {
  BeginCheckoutRequest,
  BeginCheckoutResult,
  OrderOutcome,
  OrderState,
  OrderWorkflowInput,
  PaymentDetails,
  SuborderEvent,
  SuborderState,
} from '../types.js';
import { Fulfillment } from './fulfillment.js';
import { GATEWAY_CALLS_LOCAL, localPaymentSteps, localSteps, regularPaymentSteps } from './steps.js';

export async function orderWorkflowV2(input: OrderWorkflowInput): Promise<OrderState> {
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
      { validator: (details) => this.refusePayment(details) },
    );

    setHandler(
      submitOrderUpdate,
      async () => {
        await condition(() => this.state.status !== 'RESERVED' && this.state.status !== 'PAYING');
        return this.outcome();
      },
      { validator: () => this.refuseSubmit() },
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
      {
        validator: (_request) => {
          const reason = cancelRefusal(this.state, this.fulfillment.shipRequested);
          if (reason) throw refusal(REFUSAL.cancelRefused, `cannot cancel: ${reason}`);
        },
      },
    );

    setHandler(
      shipSuborderUpdate,
      async ({ suborderId }) => {
        this.fulfillment.request({ kind: 'SHIP', suborderId });
        await condition(() => this.fulfillment.suborder(suborderId)?.status !== 'ALLOCATED');
        return { ...this.fulfillment.suborder(suborderId)! };
      },
      { validator: (event) => this.refuseShip(event) },
    );

    setHandler(
      deliverSuborderUpdate,
      async ({ suborderId }) => {
        this.fulfillment.request({ kind: 'DELIVER', suborderId });
        await condition(() => this.fulfillment.suborder(suborderId)?.status === 'DELIVERED');
        return { ...this.fulfillment.suborder(suborderId)! };
      },
      { validator: (event) => this.refuseDeliver(event) },
    );
  }

  private refusePayment(details: PaymentDetails): void {
    if (this.payment) {
      if (this.payment.paymentToken === details.paymentToken) return;
      throw refusal(REFUSAL.paymentAlreadyGiven, 'payment details were already given for this order');
    }
    if (this.state.status !== 'RESERVED') {
      throw refusal(REFUSAL.notAwaitingPayment, `the order is ${this.state.status}, not awaiting payment`);
    }
    if (this.cancelRequested) throw refusal(REFUSAL.notAwaitingPayment, 'the order is being cancelled');
  }

  private refuseSubmit(): void {
    const { status } = this.state;
    if (status === 'NEW' || status === 'CHECKOUT_REFUSED') {
      throw refusal(REFUSAL.nothingToSubmit, 'no checkout to submit');
    }
    if (status === 'RESERVED' && !this.payment && !this.cancelRequested) {
      throw refusal(
        REFUSAL.paymentMissing,
        'payment details are missing: send them to the payment URL first',
      );
    }
  }

  private knownSuborder(suborderId: string): SuborderState {
    const target = this.fulfillment.suborder(suborderId);
    if (!target) throw refusal(REFUSAL.unknownSuborder, `no suborder ${suborderId} in this order`);
    return target;
  }

  private refuseShip({ suborderId }: SuborderEvent): void {
    const target = this.knownSuborder(suborderId);
    if (this.cancelRequested || isTerminal(this.state.status)) {
      throw refusal(
        REFUSAL.suborderConflict,
        `the order is ${this.cancelRequested ? 'being cancelled' : this.state.status}`,
      );
    }
    if (target.status !== 'ALLOCATED' || this.fulfillment.shipRequested.has(suborderId)) {
      const status = target.status === 'ALLOCATED' ? 'shipping' : target.status;
      throw refusal(REFUSAL.suborderConflict, `suborder ${suborderId} is already ${status}`);
    }
  }

  private refuseDeliver({ suborderId }: SuborderEvent): void {
    const target = this.knownSuborder(suborderId);
    if (target.status !== 'SHIPPED') {
      throw refusal(REFUSAL.suborderConflict, `suborder ${suborderId} is ${target.status}, not SHIPPED`);
    }
  }

  private requestCancel(reason: string | undefined): void {
    this.state.cancelReason = reason ?? 'requested';
    this.cancelRequested = true;
  }

  private outcome(): OrderOutcome {
    const { declineReason } = this.state.payment;
    return {
      orderId: this.input.orderId,
      status: this.state.status as OrderStatus,
      ...(declineReason ? { declineReason } : {}),
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
    const authorizationId = await this.authorize(payment);
    if (!authorizationId) return;
    if (this.cancelRequested) {
      await this.gateway().voidPayment({ ...this.key(), authorizationId });
      this.state.payment = { ...this.state.payment, outcome: 'VOIDED' };
      await this.close('CANCELLED');
      return;
    }

    await localSteps.confirmOrder({ ...this.key(), itemIds: this.itemIds() });
    this.publish('PENDING');
    const amountCents = this.state.totalCents;
    await this.gateway().capturePayment({ ...this.key(), authorizationId, amountCents });
    this.state.payment = { ...this.state.payment, outcome: 'CAPTURED', capturedCents: amountCents };

    const lines = this.state.lines.map(({ itemId, quantity }) => ({ itemId, quantity }));
    const fulfilled = this.cancelRequested
      ? 'CANCELLED'
      : await this.fulfillment.run(lines, payment.shippingAddress);
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
      await localSteps.releaseOrderLines({ orderId, itemIds: request.lines.map((l) => l.itemId) });
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
    await this.close(answered ? 'CANCELLED' : 'EXPIRED');
    return undefined;
  }

  /** The authorization id, or undefined when the card was declined (then the order is closed). */
  private async authorize(payment: PaymentDetails): Promise<string | undefined> {
    await localSteps.startPaying({ ...this.key(), shippingAddress: payment.shippingAddress });
    // PAYING lasts one gateway call: shown to queries, not worth a search-attribute update.
    this.state.status = 'PAYING';
    this.state.shippingCountry = payment.shippingAddress.country;
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

  /** Holds back to stock and the order row closed, in one step. */
  private async close(status: 'EXPIRED' | 'CANCELLED' | 'PAYMENT_FAILED'): Promise<void> {
    await localSteps.closeOrder({ ...this.key(), itemIds: this.itemIds(), status });
    this.publish(status);
  }

  /** How the gateway is called: local activities, except in orders recorded before the patch. */
  private gateway() {
    return patched(GATEWAY_CALLS_LOCAL) ? localPaymentSteps : regularPaymentSteps;
  }

  private key() {
    return { orderId: this.input.orderId, customerId: this.input.customerId };
  }

  private itemIds(): string[] {
    return this.state.lines.map((l) => l.itemId);
  }
}

/** A timer that can be stopped (its cancellation is recorded, so it never wakes the workflow later). */
function startTimer(ms: number): { lapsed: Promise<boolean>; stop(): void } {
  const scope = new CancellationScope();
  const lapsed = scope
    .run(() => sleep(ms))
    .then(
      () => true,
      () => false,
    );
  return { lapsed, stop: () => scope.cancel() };
}

/** The keyed BEGIN's fingerprint from the memo, echoed in the begin answer (nothing for an unkeyed one). */
function requestFingerprint(): { requestFingerprint?: string } {
  const fingerprint = workflowInfo().memo?.[BEGIN_FINGERPRINT_MEMO];
  return typeof fingerprint === 'string' ? { requestFingerprint: fingerprint } : {};
}

function validateBegin(request: BeginCheckoutRequest): void {
  if (!Array.isArray(request?.lines) || request.lines.length === 0) {
    throw refusal(REFUSAL.invalidCheckout, 'a checkout needs at least one line');
  }
  const ids = request.lines.map((line) => line.itemId);
  if (new Set(ids).size !== ids.length) {
    throw refusal(REFUSAL.invalidCheckout, 'each item may appear on one line only');
  }
}
