/**
 * returnHeldPayment, the first step of an unpaid order's close: it asks the gateway what a lost workflow task may
 * have left held under the order's key, unless the order row shows that no payment step ran (still RESERVED), so
 * that an expiry never waits on a gateway outage.
 */
import assert from 'node:assert/strict';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createPaymentActivities } from '../../activities/payment-activities.js';
import type { OrderStatus } from '../../domain/order-status.js';
import {
  type HeldAuthorization,
  type PaymentGateway,
  PaymentGatewayUnavailableError,
} from '../../payment-gateway/gateway.js';

const env = new MockActivityEnvironment({}, { logger: new DefaultLogger('ERROR') });
const ORDER = { customerId: 'cust-1', orderId: 'ord-1' };

/** The step over a gateway that records what it is asked and holds `held` (or is down). */
function returnHeldPaymentWith(status: OrderStatus, held: HeldAuthorization | 'outage' | undefined) {
  const calls: string[] = [];
  const gateway = {
    async findAuthorization() {
      calls.push('findAuthorization');
      if (held === 'outage') throw new PaymentGatewayUnavailableError('gateway down');
      return held;
    },
    async void() {
      calls.push('void');
    },
    async refund() {
      calls.push('refund');
      return { refundId: 'ref-1' };
    },
  } as unknown as PaymentGateway;
  const steps = createPaymentActivities({ gateway, orderStatus: async () => status });
  return { calls, run: () => env.run(() => steps.returnHeldPayment(ORDER)) };
}

describe('returnHeldPayment', () => {
  it('does not ask the gateway while the order row is still RESERVED, even when the gateway is down', async () => {
    const { calls, run } = returnHeldPaymentWith('RESERVED', 'outage');
    assert.deepEqual(await run(), { held: false });
    assert.deepEqual(calls, []);
  });

  it('past RESERVED, voids an authorization the workflow never recorded', async () => {
    const held = { authorizationId: 'auth-1', capturedCents: 0, refundedCents: 0, voided: false };
    const { calls, run } = returnHeldPaymentWith('PAYING', held);
    assert.deepEqual(await run(), {
      held: true,
      authorizationId: 'auth-1',
      capturedCents: 0,
      outcome: 'VOIDED',
      refundedCents: 0,
    });
    assert.deepEqual(calls, ['findAuthorization', 'void']);
  });

  it('past RESERVED, refunds a capture; nothing held is nothing to do', async () => {
    const held = { authorizationId: 'auth-1', capturedCents: 500, refundedCents: 0, voided: false };
    const captured = returnHeldPaymentWith('PENDING', held);
    assert.equal(((await captured.run()) as { outcome?: string }).outcome, 'REFUNDED');
    assert.deepEqual(captured.calls, ['findAuthorization', 'refund']);
    const nothing = returnHeldPaymentWith('PAYING', undefined);
    assert.deepEqual(await nothing.run(), { held: false });
    assert.deepEqual(nothing.calls, ['findAuthorization']);
  });

  it('past RESERVED, a gateway outage fails the step so that it is retried', async () => {
    const { run } = returnHeldPaymentWith('PENDING', 'outage');
    await assert.rejects(run());
  });
});
