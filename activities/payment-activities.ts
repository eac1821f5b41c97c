/**
 * Payment steps of the order workflow. Idempotency keys derive from the order id and the operation, so a
 * retried activity, a replayed workflow or a duplicate request never charges twice.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { OrderStatus } from '../domain/order-status.js';
import type { AuthorizationResult, ReturnedPayment } from '../domain/step-results.js';
import { InvalidPaymentTokenError, type PaymentGateway } from '../payment-gateway/gateway.js';
import { businessErrorsAsFailures, FAILURE, toActivityFailure } from './failures.js';

export interface PaymentActivityDeps {
  gateway: PaymentGateway;
  /** The status of the order's row; undefined when there is none. */
  orderStatus(customerId: string, orderId: string): Promise<OrderStatus | undefined>;
}

interface OrderRef {
  orderId: string;
  customerId: string;
}

export const paymentKey = (
  orderId: string,
  operation: 'authorize' | 'capture' | 'void' | 'refund',
): string => (operation === 'authorize' ? orderId : `${orderId}:${operation}`);

export function createPaymentActivities({ gateway, orderStatus }: PaymentActivityDeps) {
  const activities = {
    /** A declined card (or an unusable token) is a typed result, not a failure. */
    async authorizeCharge(
      request: OrderRef & { amountCents: number; paymentToken: string },
    ): Promise<AuthorizationResult> {
      let result: Awaited<ReturnType<PaymentGateway['authorize']>>;
      try {
        result = await gateway.authorize({
          ...request,
          idempotencyKey: paymentKey(request.orderId, 'authorize'),
        });
      } catch (error) {
        if (error instanceof InvalidPaymentTokenError) return { ok: false, declineReason: 'INVALID_TOKEN' };
        throw toActivityFailure(error);
      }
      if (result.status === 'DECLINED') return { ok: false, declineReason: result.reason };
      return { ok: true, authorizationId: result.authorizationId };
    },

    /** The legacy order workflow's step: a decline is a non-retryable PaymentDeclined failure with the reason. */
    async authorizePayment(request: OrderRef & { amountCents: number; paymentToken: string }) {
      const result = await activities.authorizeCharge(request);
      if (!result.ok) {
        throw ApplicationFailure.nonRetryable(
          `card declined: ${result.declineReason}`,
          FAILURE.paymentDeclined,
          { reason: result.declineReason },
        );
      }
      return { authorizationId: result.authorizationId };
    },

    async capturePayment(request: OrderRef & { authorizationId: string; amountCents: number }) {
      return businessErrorsAsFailures(() =>
        gateway.capture({ ...request, idempotencyKey: paymentKey(request.orderId, 'capture') }),
      );
    },

    async voidPayment(request: OrderRef & { authorizationId: string }) {
      await businessErrorsAsFailures(() =>
        gateway.void({ ...request, idempotencyKey: paymentKey(request.orderId, 'void') }),
      );
    },

    async refundPayment(request: OrderRef & { authorizationId: string; amountCents: number }) {
      return businessErrorsAsFailures(() =>
        gateway.refund({ ...request, idempotencyKey: paymentKey(request.orderId, 'refund') }),
      );
    },

    /**
     * Gives back whatever the gateway holds under the order's authorization key, for a workflow that never
     * recorded the authorization (its task was lost): a capture is refunded, an authorization voided, with
     * the keys the workflow's own refund and void use. Run again, it finds that done and does nothing.
     */
    async returnHeldPayment(request: OrderRef): Promise<ReturnedPayment> {
      // The payment's first step moves the row to PAYING before the gateway is called: a row still RESERVED
      // means nothing reached the gateway, and an expiry need not wait for it to answer (an outage).
      const status = await businessErrorsAsFailures(() => orderStatus(request.customerId, request.orderId));
      if (status === 'RESERVED') return { held: false };
      const held = await businessErrorsAsFailures(() =>
        gateway.findAuthorization({ ...request, idempotencyKey: paymentKey(request.orderId, 'authorize') }),
      );
      if (!held) return { held: false };
      const { authorizationId, capturedCents, refundedCents } = held;
      const returned = { held: true, authorizationId, capturedCents } as const;
      if (capturedCents === 0) {
        if (!held.voided) await activities.voidPayment({ ...request, authorizationId });
        return { ...returned, outcome: 'VOIDED', refundedCents: 0 };
      }
      const amountCents = capturedCents - refundedCents;
      if (amountCents > 0) await activities.refundPayment({ ...request, authorizationId, amountCents });
      return { ...returned, outcome: 'REFUNDED', refundedCents: capturedCents };
    },
  };
  return activities;
}

export type PaymentActivities = ReturnType<typeof createPaymentActivities>;
