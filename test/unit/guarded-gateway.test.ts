/**
 * The payment gateway's circuit breaker (cockatiel) on a scripted gateway: failures in a row open it,
 * calls then fail at once without reaching the gateway, a probe after the pause closes it again, and a
 * business answer (a decline, an unusable token) never counts as a failure.
 */
import assert from 'node:assert/strict';
import { PaymentStateError } from '../../payment-gateway/authorization-state.js';
import {
  InvalidPaymentTokenError,
  type PaymentGateway,
  PaymentGatewayUnavailableError,
} from '../../payment-gateway/gateway.js';
import { type BreakerState, guardedGateway } from '../../payment-gateway/guarded-gateway.js';

const HALF_OPEN_AFTER_MS = 80;
const request = {} as never;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function scriptedGateway() {
  let answer: () => Promise<unknown> = async () => ({ captureId: 'cap-1' });
  let calls = 0;
  const call = async () => {
    calls++;
    return answer();
  };
  const gateway = {
    tokenize: call,
    authorize: call,
    capture: call,
    void: call,
    refund: call,
    findAuthorization: call,
  } as unknown as PaymentGateway;
  return {
    gateway,
    calls: () => calls,
    failWith: (error: Error) => {
      answer = async () => {
        throw error;
      };
    },
    recover: () => {
      answer = async () => ({ captureId: 'cap-1' });
    },
  };
}

function guarded() {
  const scripted = scriptedGateway();
  const states: BreakerState[] = [];
  const gateway = guardedGateway(scripted.gateway, {
    consecutiveFailures: 3,
    halfOpenAfterMs: HALF_OPEN_AFTER_MS,
    onStateChange: (state) => states.push(state),
  });
  return { ...scripted, guarded: gateway, states };
}

describe('payment gateway circuit breaker', () => {
  it('opens after failures in a row, fails fast without calling, and closes after a good probe', async () => {
    const g = guarded();
    g.failWith(new PaymentGatewayUnavailableError('provider down'));
    for (let i = 0; i < 3; i++) await assert.rejects(g.guarded.capture(request), /provider down/);
    assert.equal(g.calls(), 3);
    assert.deepEqual(g.states, ['open']);

    for (let i = 0; i < 10; i++) {
      await assert.rejects(g.guarded.authorize(request), (error: unknown) => {
        assert.ok(
          error instanceof PaymentGatewayUnavailableError,
          'a retryable outage, as a down gateway gives',
        );
        assert.match((error as Error).message, /circuit open/);
        return true;
      });
    }
    assert.equal(g.calls(), 3, 'no call reached the gateway while open');

    await sleep(HALF_OPEN_AFTER_MS + 20);
    g.recover();
    assert.deepEqual(await g.guarded.capture(request), { captureId: 'cap-1' });
    assert.equal(g.calls(), 4, 'one probe went through');
    assert.deepEqual(g.states, ['open', 'half-open', 'closed']);
    await g.guarded.refund(request);
    assert.equal(g.calls(), 5);
  });

  it('opens again when the probe fails', async () => {
    const g = guarded();
    g.failWith(new Error('timeout'));
    for (let i = 0; i < 3; i++) await assert.rejects(g.guarded.void(request), /timeout/);
    await sleep(HALF_OPEN_AFTER_MS + 20);
    await assert.rejects(g.guarded.void(request), /timeout/);
    assert.equal(g.calls(), 4);
    assert.deepEqual(g.states, ['open', 'half-open', 'open']);
    await assert.rejects(g.guarded.void(request), /circuit open/);
    assert.equal(g.calls(), 4);
  });

  it('never opens on business answers, and a success resets the count', async () => {
    const g = guarded();
    for (const error of [new InvalidPaymentTokenError('expired'), new PaymentStateError('over-capture')]) {
      g.failWith(error);
      for (let i = 0; i < 5; i++)
        await assert.rejects(g.guarded.capture(request), error.constructor as never);
    }
    g.failWith(new PaymentGatewayUnavailableError('blip'));
    await assert.rejects(g.guarded.capture(request));
    await assert.rejects(g.guarded.capture(request));
    g.recover();
    await g.guarded.capture(request);
    g.failWith(new PaymentGatewayUnavailableError('blip'));
    await assert.rejects(g.guarded.capture(request));
    await assert.rejects(g.guarded.capture(request));
    assert.deepEqual(g.states, [], 'never opened');
    assert.equal(g.calls(), 15);
  });

  it('leaves tokenizing unguarded', async () => {
    const g = guarded();
    g.failWith(new PaymentGatewayUnavailableError('down'));
    for (let i = 0; i < 3; i++) await assert.rejects(g.guarded.capture(request));
    await assert.rejects(g.guarded.tokenize(request), /down/);
    assert.equal(g.calls(), 4);
  });
});
