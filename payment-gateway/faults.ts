/**
 * Fault injection of the payment simulator: latency on every call, then, each with probability
 * `failureRate`, an outage before the call takes effect or a lost response after it did; and, while
 * `outageFile` exists, an outage on every call (chaos tests take the provider down and up with it). Both throw
 * PaymentGatewayUnavailableError, so the caller cannot tell them apart — exactly as with a real provider,
 * which is why every call carries an idempotency key.
 */
import { existsSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { PaymentGatewayUnavailableError } from './gateway.js';

export interface FaultInjectorOptions {
  latencyMs: number;
  /** 0–1: the chance of an outage before the effect, and again of a lost response after it. */
  failureRate: number;
  /** While a file exists at this path, every call fails before it takes effect. */
  outageFile?: string;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface FaultInjector {
  /** Waits the simulated latency, then may throw as if the provider were unreachable. */
  beforeEffect(operation: string): Promise<void>;
  /** May throw as if the response to a call that took effect were lost on the way back. */
  afterEffect(operation: string): void;
}

export function createFaultInjector({
  latencyMs,
  failureRate,
  outageFile,
  random = Math.random,
  sleep = (ms) => delay(ms),
}: FaultInjectorOptions): FaultInjector {
  if (!(latencyMs >= 0) || !Number.isFinite(latencyMs)) throw new RangeError('latencyMs must be >= 0');
  if (!(failureRate >= 0 && failureRate <= 1)) throw new RangeError('failureRate must be between 0 and 1');
  const strikes = () => failureRate > 0 && random() < failureRate;

  return {
    async beforeEffect(operation) {
      if (latencyMs > 0) await sleep(latencyMs);
      if (outageFile !== undefined && existsSync(outageFile)) {
        throw new PaymentGatewayUnavailableError(`simulated provider outage: ${operation} was not answered`);
      }
      if (strikes()) {
        throw new PaymentGatewayUnavailableError(`simulated outage: ${operation} did not reach the provider`);
      }
    },
    afterEffect(operation) {
      if (strikes()) {
        throw new PaymentGatewayUnavailableError(`simulated lost response: ${operation} took effect`);
      }
    },
  };
}
