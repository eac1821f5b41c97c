/**
 * A circuit breaker in front of the payment gateway (cockatiel): after `consecutiveFailures` failed calls
 * in a row it opens, and every call fails at once with PaymentGatewayUnavailableError (retryable, so each
 * order's step is retried with Temporal's backoff) without reaching the gateway. After
 * `halfOpenAfterMs` one call goes through as a probe: its success closes the breaker, its failure opens
 * it again. A business answer (a decline, an unusable token or card, a refused capture) is the gateway
 * working, and never counts as a failure.
 */
import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
  IsolatedCircuitError,
} from 'cockatiel';
import { PaymentStateError } from './authorization-state.js';
import { InvalidCardError } from './card.js';
import { InvalidPaymentTokenError, type PaymentGateway, PaymentGatewayUnavailableError } from './gateway.js';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  consecutiveFailures: number;
  halfOpenAfterMs: number;
  onStateChange?: (state: BreakerState) => void;
}

const STATE_NAMES: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'open',
};

const isBusinessAnswer = (error: unknown) =>
  error instanceof InvalidPaymentTokenError ||
  error instanceof InvalidCardError ||
  error instanceof PaymentStateError;

export function guardedGateway(gateway: PaymentGateway, options: BreakerOptions): PaymentGateway {
  const breaker = circuitBreaker(
    handleWhen((error) => !isBusinessAnswer(error)),
    {
      halfOpenAfter: options.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(options.consecutiveFailures),
    },
  );
  breaker.onStateChange((state) => options.onStateChange?.(STATE_NAMES[state]));

  async function guarded<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await breaker.execute(call);
    } catch (error) {
      if (error instanceof BrokenCircuitError || error instanceof IsolatedCircuitError) {
        throw new PaymentGatewayUnavailableError(
          `payment gateway circuit open after ${options.consecutiveFailures} failures in a row; not called`,
        );
      }
      throw error;
    }
  }

  return {
    // Tokenizing happens in the API, without the provider: nothing to guard.
    tokenize: (request) => gateway.tokenize(request),
    authorize: (request) => guarded(() => gateway.authorize(request)),
    capture: (request) => guarded(() => gateway.capture(request)),
    void: (request) => guarded(() => gateway.void(request)),
    refund: (request) => guarded(() => gateway.refund(request)),
    findAuthorization: (request) => guarded(() => gateway.findAuthorization(request)),
  };
}
