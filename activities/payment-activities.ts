/**
 * Payment steps of the order workflow. Idempotency keys derive from the order id and the operation, so a
 * retried activity, a replayed workflow or a duplicate request never charges twice.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { businessErrorsAsFailures, FAILURE, toActivityFailure } from './failures.js';
import { InvalidPaymentTokenError, type PaymentGateway } from './payment/gateway.js';

export interface PaymentActivityDeps {
  gateway: PaymentGateway;
}

interface OrderRef {
  orderId: string;
  customerId: string;
}

export const paymentKey = (
  orderId: string,
  operation: 'authorize' | 'capture' | 'void' | 'refund',
): string => (operation === 'authorize' ? orderId : `${orderId}:${operation}`);

export function createPaymentActivities({ gateway }: PaymentActivityDeps) {
  return {
    /** Throws a non-retryable PaymentDeclined failure (with the reason) when the card is declined. */
    async authorizePayment(request: OrderRef & { amountCents: number; paymentToken: string }) {
      let result: Awaited<ReturnType<PaymentGateway['authorize']>>;
      try {
        result = await gateway.authorize({
          ...request,
          idempotencyKey: paymentKey(request.orderId, 'authorize'),
        });
      } catch (error) {
        if (error instanceof InvalidPaymentTokenError) {
          throw ApplicationFailure.nonRetryable(error.message, FAILURE.paymentDeclined, {
            reason: 'INVALID_TOKEN',
          });
        }
        throw toActivityFailure(error);
      }
      if (result.status === 'DECLINED') {
        throw ApplicationFailure.nonRetryable(`card declined: ${result.reason}`, FAILURE.paymentDeclined, {
          reason: result.reason,
        });
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
  };
}

export type PaymentActivities = ReturnType<typeof createPaymentActivities>;
