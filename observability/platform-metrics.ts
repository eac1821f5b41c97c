/**
 * The platform's own metrics in a worker process, recorded through the Temporal runtime's meter so they
 * are served on the same `/metrics` as the SDK's (see observability/worker-runtime.ts).
 */
import type { MetricMeter } from '@temporalio/common';
import type { OrderStatus } from '../domain/order-status.js';
import type { BreakerState } from '../payment-gateway/guarded-gateway.js';

const BREAKER_STATE_VALUES: Record<BreakerState, number> = { closed: 0, open: 1, 'half-open': 2 };

export type ReservationOutcome = 'reserved' | 'out_of_stock';
export type GatewayOperation = 'authorize' | 'capture' | 'void' | 'refund' | 'find';
/** `declined`: the gateway answered no (a business outcome); `error`: the call failed. */
export type GatewayOutcome = 'ok' | 'declined' | 'error';

/** Bucket bounds of `order_step_duration_seconds`: steps take milliseconds, a stalled one seconds. */
export const STEP_DURATION_BUCKETS_SECONDS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];

export function createPlatformMetrics(meter: MetricMeter) {
  const reservations = meter.createCounter(
    'order_reservations',
    undefined,
    'Checkouts that asked for stock, by outcome: reserved (every line held) or out_of_stock',
  );
  const lostRaces = meter.createCounter(
    'db_version_races_lost',
    undefined,
    'Version-checked writes that lost a race and were retried, by entity (stock, order, suborder…)',
  );
  const stepDuration = meter.createHistogram(
    'order_step_duration_seconds',
    'float',
    's',
    'Time each activity took, by step (activity type) and the shard it used (none, or several)',
  );
  const gatewayCalls = meter.createCounter(
    'payment_gateway_calls',
    undefined,
    'Payment gateway calls by operation and outcome (ok, declined, error)',
  );
  const ordersFinished = meter.createCounter(
    'orders_finished',
    undefined,
    'Orders that reached a final status (DELIVERED, CANCELLED, EXPIRED, PAYMENT_FAILED, FAILED)',
  );
  const ordersOpen = meter.createGauge(
    'orders_open',
    'int',
    undefined,
    'Running orders by their current status, from Temporal visibility',
  );
  const payingOverdue = meter.createGauge(
    'orders_paying_overdue',
    'int',
    undefined,
    'Running orders in PAYING begun longer ago than the reservation TTL plus the bound of a forward step',
  );
  const breakerState = meter.createGauge(
    'payment_gateway_breaker_state',
    'int',
    undefined,
    'The payment gateway circuit breaker: 0 closed (calls go through), 1 open (calls fail at once), 2 half-open (one probe)',
  );
  return {
    reservation: (outcome: ReservationOutcome) => reservations.add(1, { outcome }),
    lostRace: (entity: string) => lostRaces.add(1, { entity }),
    step: (step: string, shard: string, seconds: number) => stepDuration.record(seconds, { step, shard }),
    gatewayCall: (operation: GatewayOperation, outcome: GatewayOutcome) =>
      gatewayCalls.add(1, { operation, outcome }),
    orderFinished: (status: OrderStatus) => ordersFinished.add(1, { status }),
    ordersOpen: (status: OrderStatus, count: number) => ordersOpen.set(count, { status }),
    payingOverdue: (count: number) => payingOverdue.set(count),
    breakerState: (state: BreakerState) => breakerState.set(BREAKER_STATE_VALUES[state]),
  };
}

export type PlatformMetrics = ReturnType<typeof createPlatformMetrics>;
