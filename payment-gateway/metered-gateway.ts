/** A payment gateway that counts its calls by operation and outcome; the calls themselves are unchanged. */
import type { GatewayOperation, GatewayOutcome } from '../observability/platform-metrics.js';
import { InvalidPaymentTokenError, type PaymentGateway } from './gateway.js';

export type CountGatewayCall = (operation: GatewayOperation, outcome: GatewayOutcome) => void;

export function meteredGateway(gateway: PaymentGateway, count: CountGatewayCall): PaymentGateway {
  async function counted<T>(
    operation: GatewayOperation,
    call: () => Promise<T>,
    declined: (result: T) => boolean = () => false,
  ): Promise<T> {
    try {
      const result = await call();
      count(operation, declined(result) ? 'declined' : 'ok');
      return result;
    } catch (error) {
      // An unusable token is the shopper's card refused, not the gateway failing.
      count(operation, error instanceof InvalidPaymentTokenError ? 'declined' : 'error');
      throw error;
    }
  }
  return {
    tokenize: (request) => gateway.tokenize(request),
    authorize: (request) =>
      counted(
        'authorize',
        () => gateway.authorize(request),
        (result) => result.status === 'DECLINED',
      ),
    capture: (request) => counted('capture', () => gateway.capture(request)),
    void: (request) => counted('void', () => gateway.void(request)),
    refund: (request) => counted('refund', () => gateway.refund(request)),
    findAuthorization: (request) => counted('find', () => gateway.findAuthorization(request)),
  };
}
