/**
 * The payment simulator against the suite's real shards: test cards, signed tokens, idempotency of every
 * operation (one ledger row per key, identical answers on repeats), the transient card, the state rules
 * and injected outages / lost responses.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../config/env.js';
import { IdempotencyKeyConflictError } from '../../db/errors.js';
import {
  createPaymentLedgerRepository,
  type PaymentLedgerRepository,
} from '../../db/repositories/payment-ledger-repository.js';
import { seededRandom } from '../../db/seeded-random.js';
import { createShardSet, type ShardSet } from '../../db/shard-set.js';
import {
  type CardDetails,
  InvalidPaymentTokenError,
  type PaymentGateway,
  PaymentGatewayUnavailableError,
} from '../../payment-gateway/gateway.js';
import {
  createSimulatedGateway,
  DEFAULT_TOKEN_TTL_MS,
  InvalidCardError,
  PaymentStateError,
  type SimulatedGatewayDeps,
  TEST_CARDS,
} from '../../payment-gateway/simulator.js';
import { testStack } from '../support/stack.js';

const SECRET = 'payment-test-secret';
const NOW = Date.UTC(2030, 5, 15, 12); // mid-June 2030

const uniqueId = (prefix: string) => `${prefix}-${randomBytes(6).toString('hex')}`;
const card = (cardNumber: string, overrides: Partial<CardDetails> = {}): CardDetails => ({
  cardNumber,
  expMonth: 12,
  expYear: 2031,
  cvc: '987',
  ...overrides,
});

function decodeToken(token: string): unknown {
  assert.match(token, /^tok_[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  const payload = token.slice('tok_'.length).split('.')[0]!;
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
}

function encodeTokenPayload(token: string, claims: unknown): string {
  const signature = token.split('.')[1]!;
  return `tok_${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
}

describe('payment simulator (customer shard ledger)', () => {
  let shardSet: ShardSet;
  let ledger: PaymentLedgerRepository;

  before(() => {
    shardSet = createShardSet(loadConfig({ SHARD_URLS: testStack().shardUrls.join(',') }).db);
    ledger = createPaymentLedgerRepository({ shardSet });
  });
  after(() => shardSet.close());

  const gateway = (overrides: Partial<SimulatedGatewayDeps> = {}): PaymentGateway =>
    createSimulatedGateway({
      ledger,
      tokenSecret: SECRET,
      latencyMs: 0,
      failureRate: 0,
      now: () => NOW,
      ...overrides,
    });

  /** Rows for a key on every shard: a key lives once, on its customer's shard only. */
  async function rowsForKey(idempotencyKey: string): Promise<number> {
    let total = 0;
    for (const shard of shardSet.shards) {
      const [row] = await shard.sql<{ n: number }[]>`
        select count(*)::int as n from payments where idempotency_key = ${idempotencyKey}`;
      total += row!.n;
    }
    return total;
  }

  async function newOrder(g: PaymentGateway, cardNumber: string, amountCents = 5_000) {
    const customerId = uniqueId('cust');
    const orderId = uniqueId('ord');
    const { paymentToken } = await g.tokenize({ customerId, card: card(cardNumber) });
    return { customerId, orderId, paymentToken, amountCents, idempotencyKey: orderId };
  }

  describe('tokenize', () => {
    it('validates, brands and signs a card without putting its number, expiry or cvc in the token', async () => {
      const g = gateway();
      const customerId = 'cust-token-privacy';
      const expected = {
        approve: TEST_CARDS.approve,
        decline: TEST_CARDS.decline,
        transient: TEST_CARDS.transient,
      };
      for (const [behaviour, number] of Object.entries(expected)) {
        const details = card(number.replace(/(\d{4})(?=\d)/g, '$1 '), {
          cvc: '987',
          expMonth: 11,
          expYear: 2033,
        });
        const token = await g.tokenize({ customerId, card: details });
        assert.equal(token.brand, 'visa');
        assert.equal(token.last4, number.slice(-4));

        const decoded = decodeToken(token.paymentToken);
        assert.deepEqual(decoded, {
          v: 1,
          c: customerId,
          k: behaviour,
          b: 'visa',
          l: number.slice(-4),
          x: NOW + DEFAULT_TOKEN_TTL_MS,
        });
        const json = JSON.stringify(decoded);
        for (const secret of [number, number.slice(0, 12), '987', '2033']) {
          assert.ok(!token.paymentToken.includes(secret), `token string must not contain ${secret}`);
          assert.ok(!json.includes(secret), `decoded token must not contain ${secret}`);
        }
      }
    });

    it('names brands by the first digit', async () => {
      const g = gateway();
      const brands = {
        '5555555555554444': 'mastercard',
        '378282246310005': 'amex',
        '6011111111111117': 'card',
        '4111111111111111': 'visa',
      };
      for (const [number, brand] of Object.entries(brands)) {
        const token = await g.tokenize({ customerId: 'cust-brands', card: card(number, { cvc: '1234' }) });
        assert.equal(token.brand, brand, number);
        assert.equal(token.last4, number.slice(-4));
      }
    });

    it('rejects invalid cards naming the field, without echoing the card', async () => {
      const g = gateway(); // now = 15 June 2030
      const cases: [string, CardDetails, InvalidCardError['field']][] = [
        ['bad Luhn', card('4242 4242 4242 4241'), 'cardNumber'],
        ['non-digits', card('4242-4242-4242-4242'), 'cardNumber'],
        ['11 digits', card('42424242428'), 'cardNumber'],
        ['20 digits', card('42424242424242424242'), 'cardNumber'],
        ['month 13', card(TEST_CARDS.approve, { expMonth: 13 }), 'expMonth'],
        ['month 0', card(TEST_CARDS.approve, { expMonth: 0 }), 'expMonth'],
        ['past year', card(TEST_CARDS.approve, { expMonth: 12, expYear: 2029 }), 'expYear'],
        ['past month this year', card(TEST_CARDS.approve, { expMonth: 5, expYear: 2030 }), 'expMonth'],
        ['2-digit cvc', card(TEST_CARDS.approve, { cvc: '12' }), 'cvc'],
        ['5-digit cvc', card(TEST_CARDS.approve, { cvc: '12345' }), 'cvc'],
        ['letters in cvc', card(TEST_CARDS.approve, { cvc: '12a' }), 'cvc'],
      ];
      for (const [label, details, field] of cases) {
        await assert.rejects(
          g.tokenize({ customerId: 'cust-invalid', card: details }),
          (error: unknown) => {
            assert.ok(error instanceof InvalidCardError, label);
            assert.equal(error.field, field, label);
            assert.ok(!error.message.includes(details.cardNumber.replace(/ /g, '').slice(0, 8)), label);
            return true;
          },
          label,
        );
      }
      // The expiry month itself is still good.
      const current = await g.tokenize({
        customerId: 'cust-invalid',
        card: card(TEST_CARDS.approve, { expMonth: 6, expYear: 2030 }),
      });
      assert.equal(current.last4, '4242');
    });
  });

  describe('test cards', () => {
    it('4242… authorizes, records one SUCCEEDED AUTHORIZE and a deterministic authorization id', async () => {
      const g = gateway();
      const order = await newOrder(g, TEST_CARDS.approve);
      const result = await g.authorize(order);
      assert.equal(result.status, 'AUTHORIZED');
      assert.match(result.status === 'AUTHORIZED' ? result.authorizationId : '', /^auth_[0-9a-f]{24}$/);

      const rows = await ledger.listForOrder(order.customerId, order.orderId);
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.operation, 'AUTHORIZE');
      assert.equal(rows[0]!.outcome, 'SUCCEEDED');
      assert.equal(rows[0]!.amountCents, order.amountCents);
      assert.equal(rows[0]!.gatewayReference, result.status === 'AUTHORIZED' ? result.authorizationId : null);
    });

    it('4000…0002 is declined with card_declined and records a DECLINED AUTHORIZE', async () => {
      const g = gateway();
      const order = await newOrder(g, TEST_CARDS.decline);
      assert.deepEqual(await g.authorize(order), { status: 'DECLINED', reason: 'card_declined' });
      const rows = await ledger.listForOrder(order.customerId, order.orderId);
      assert.deepEqual(
        rows.map((r) => [r.operation, r.outcome, r.failureReason, r.gatewayReference]),
        [['AUTHORIZE', 'DECLINED', 'card_declined', null]],
      );
      await assert.rejects(
        g.capture({ ...order, idempotencyKey: `${order.orderId}:capture`, authorizationId: 'auth_x' }),
        PaymentStateError,
      );
    });

    it('4000…0119 fails the first two calls per key, then authorizes once', async () => {
      const g = gateway();
      const order = await newOrder(g, TEST_CARDS.transient);
      await assert.rejects(g.authorize(order), PaymentGatewayUnavailableError);
      await assert.rejects(g.authorize(order), PaymentGatewayUnavailableError);
      assert.equal(await rowsForKey(order.idempotencyKey), 0, 'a failed call takes no effect');
      const third = await g.authorize(order);
      assert.equal(third.status, 'AUTHORIZED');
      assert.deepEqual(await g.authorize(order), third);
      assert.equal(await rowsForKey(order.idempotencyKey), 1);

      // The count is per idempotency key: another order on the same card fails afresh.
      const other = { ...order, orderId: uniqueId('ord') };
      other.idempotencyKey = other.orderId;
      await assert.rejects(g.authorize(other), PaymentGatewayUnavailableError);
    });

    it('any other valid card authorizes', async () => {
      const g = gateway();
      const order = await newOrder(g, '5555555555554444');
      assert.equal((await g.authorize(order)).status, 'AUTHORIZED');
    });
  });

  describe('tokens', () => {
    it("refuses a tampered, foreign-secret, malformed or other customer's token and records nothing", async () => {
      const g = gateway();
      const order = await newOrder(g, TEST_CARDS.decline);
      const claims = decodeToken(order.paymentToken) as Record<string, unknown>;
      const upgraded = encodeTokenPayload(order.paymentToken, { ...claims, k: 'approve' });
      const [payload, signature] = order.paymentToken.split('.') as [string, string];
      const flipped = `${payload}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
      const foreign = (
        await gateway({ tokenSecret: 'another-secret' }).tokenize({
          customerId: order.customerId,
          card: card(TEST_CARDS.approve),
        })
      ).paymentToken;
      const otherCustomers = (
        await g.tokenize({ customerId: uniqueId('cust'), card: card(TEST_CARDS.approve) })
      ).paymentToken;

      for (const paymentToken of [
        upgraded,
        flipped,
        foreign,
        otherCustomers,
        'tok_',
        'garbage',
        `${payload}.`,
      ]) {
        await assert.rejects(g.authorize({ ...order, paymentToken }), InvalidPaymentTokenError, paymentToken);
      }
      assert.equal(await rowsForKey(order.idempotencyKey), 0);
    });

    it('refuses an expired token, but a repeat answers from the ledger whatever the token says now', async () => {
      const issuer = gateway();
      const order = await newOrder(issuer, TEST_CARDS.approve);
      const later = gateway({ now: () => NOW + DEFAULT_TOKEN_TTL_MS });
      await assert.rejects(later.authorize(order), /expired/);
      assert.equal(await rowsForKey(order.idempotencyKey), 0);

      const first = await issuer.authorize(order);
      assert.equal(first.status, 'AUTHORIZED');
      assert.deepEqual(await later.authorize(order), first, 'expired token, recorded key');
      assert.deepEqual(await later.authorize({ ...order, paymentToken: 'garbage' }), first);
      assert.equal(await rowsForKey(order.idempotencyKey), 1);
    });
  });

  describe('idempotency and state rules', () => {
    it('a capture overlapping another attempt with its key gets that attempt’s answer, not a refusal', async () => {
      // The late attempt reads the key before the early one records it, and checks the authorization after:
      // it finds it captured, by its own key.
      let lateFindDone!: () => void;
      const lateFound = new Promise<void>((resolve) => {
        lateFindDone = resolve;
      });
      let releaseLate!: () => void;
      const earlyDone = new Promise<void>((resolve) => {
        releaseLate = resolve;
      });
      let finds = 0;
      const gatedLedger: PaymentLedgerRepository = {
        ...ledger,
        async find(customerId, key) {
          const entry = await ledger.find(customerId, key);
          if (key.endsWith(':capture') && finds++ === 0) {
            lateFindDone();
            await earlyDone;
          }
          return entry;
        },
      };
      const g = gateway({ ledger: gatedLedger });
      const order = await newOrder(g, TEST_CARDS.approve, 7_000);
      const auth = await g.authorize(order);
      assert.ok(auth.status === 'AUTHORIZED');
      const capture = {
        customerId: order.customerId,
        orderId: order.orderId,
        authorizationId: auth.authorizationId,
        amountCents: 7_000,
        idempotencyKey: `${order.orderId}:capture`,
      };
      const late = g.capture(capture);
      await lateFound;
      const early = await g.capture(capture);
      releaseLate();
      assert.deepEqual(await late, early);
      assert.equal(await rowsForKey(capture.idempotencyKey), 1);
    });

    it('repeats of authorize, capture, refund and void answer identically with one ledger row per key', async () => {
      const g = gateway();
      const order = await newOrder(g, TEST_CARDS.approve, 9_000);
      const ref = { customerId: order.customerId, orderId: order.orderId };
      const auth = await g.authorize(order);
      assert.ok(auth.status === 'AUTHORIZED');
      const { authorizationId } = auth;
      const capture = {
        ...ref,
        authorizationId,
        amountCents: 9_000,
        idempotencyKey: `${order.orderId}:capture`,
      };
      const refund = {
        ...ref,
        authorizationId,
        amountCents: 4_000,
        idempotencyKey: `${order.orderId}:refund`,
      };

      const results = [];
      for (let i = 0; i < 3; i++) {
        results.push([await g.authorize(order), await g.capture(capture), await g.refund(refund)]);
      }
      assert.deepEqual(results[1], results[0]);
      assert.deepEqual(results[2], results[0]);
      assert.match(
        JSON.stringify(results[0]),
        /"captureId":"cap_[0-9a-f]{24}".*"refundId":"ref_[0-9a-f]{24}"/,
      );
      // A new gateway instance (a restarted worker) answers the same from the ledger.
      assert.deepEqual(
        [await gateway().capture(capture), await gateway().refund(refund)],
        results[0]!.slice(1),
      );

      for (const key of [order.idempotencyKey, capture.idempotencyKey, refund.idempotencyKey]) {
        assert.equal(await rowsForKey(key), 1, key);
      }
      const rows = await ledger.listForOrder(order.customerId, order.orderId);
      assert.deepEqual(rows.map((r) => [r.operation, r.outcome, r.amountCents]).sort(), [
        ['AUTHORIZE', 'SUCCEEDED', 9_000],
        ['CAPTURE', 'SUCCEEDED', 9_000],
        ['REFUND', 'SUCCEEDED', 4_000],
      ]);

      await assert.rejects(g.capture({ ...capture, amountCents: 8_000 }), IdempotencyKeyConflictError);
      await assert.rejects(g.refund({ ...refund, amountCents: 1 }), IdempotencyKeyConflictError);
    });

    it('a void is recorded once and blocks a later capture', async () => {
      const g = gateway();
      const order = await newOrder(g, TEST_CARDS.approve, 2_500);
      const auth = await g.authorize(order);
      assert.ok(auth.status === 'AUTHORIZED');
      const ref = {
        customerId: order.customerId,
        orderId: order.orderId,
        authorizationId: auth.authorizationId,
      };
      await g.void({ ...ref, idempotencyKey: `${order.orderId}:void` });
      await g.void({ ...ref, idempotencyKey: `${order.orderId}:void` });
      assert.equal(await rowsForKey(`${order.orderId}:void`), 1);
      await assert.rejects(
        g.capture({ ...ref, amountCents: 2_500, idempotencyKey: `${order.orderId}:capture` }),
        PaymentStateError,
      );
      const rows = await ledger.listForOrder(order.customerId, order.orderId);
      assert.deepEqual(rows.map((r) => [r.operation, r.amountCents]).sort(), [
        ['AUTHORIZE', 2_500],
        ['VOID', 2_500],
      ]);
    });

    it('refuses captures, voids and refunds the authorization does not allow', async () => {
      const g = gateway();
      const order = await newOrder(g, TEST_CARDS.approve, 1_000);
      const auth = await g.authorize(order);
      assert.ok(auth.status === 'AUTHORIZED');
      const ref = {
        customerId: order.customerId,
        orderId: order.orderId,
        authorizationId: auth.authorizationId,
      };
      const key = (name: string) => `${order.orderId}:${name}`;

      await assert.rejects(
        g.capture({ ...ref, authorizationId: 'auth_unknown', amountCents: 1, idempotencyKey: key('c0') }),
        PaymentStateError,
      );
      await assert.rejects(
        g.refund({ ...ref, amountCents: 1, idempotencyKey: key('r0') }),
        PaymentStateError,
        'refund before capture',
      );
      await assert.rejects(
        g.capture({ ...ref, amountCents: 1_001, idempotencyKey: key('c1') }),
        PaymentStateError,
        'over-capture',
      );
      await g.capture({ ...ref, amountCents: 1_000, idempotencyKey: key('c2') });
      await assert.rejects(
        g.capture({ ...ref, amountCents: 1, idempotencyKey: key('c3') }),
        PaymentStateError,
        'second capture',
      );
      await assert.rejects(
        g.void({ ...ref, idempotencyKey: key('v') }),
        PaymentStateError,
        'void after capture',
      );
      await g.refund({ ...ref, amountCents: 600, idempotencyKey: key('r1') });
      await assert.rejects(
        g.refund({ ...ref, amountCents: 401, idempotencyKey: key('r2') }),
        PaymentStateError,
        'over-refund',
      );
      await g.refund({ ...ref, amountCents: 400, idempotencyKey: key('r3') });

      const rows = await ledger.listForOrder(order.customerId, order.orderId);
      assert.deepEqual(
        rows.map((r) => r.idempotencyKey).sort(),
        [order.orderId, key('c2'), key('r1'), key('r3')].sort(),
      );
    });
  });

  describe('finding an authorization by its key', () => {
    it('answers what it holds as it changes, nothing for a key that authorized nothing, and records nothing', async () => {
      const g = gateway();
      const order = await newOrder(g, TEST_CARDS.approve, 3_000);
      const lookup = { customerId: order.customerId, orderId: order.orderId, idempotencyKey: order.orderId };
      assert.equal(await g.findAuthorization(lookup), undefined, 'never used');
      const auth = await g.authorize(order);
      assert.ok(auth.status === 'AUTHORIZED');
      const { authorizationId } = auth;
      const held = { authorizationId, capturedCents: 0, refundedCents: 0, voided: false };
      assert.deepEqual(await g.findAuthorization(lookup), held);
      const ref = { customerId: order.customerId, orderId: order.orderId, authorizationId };
      await g.capture({ ...ref, amountCents: 3_000, idempotencyKey: `${order.orderId}:capture` });
      await g.refund({ ...ref, amountCents: 3_000, idempotencyKey: `${order.orderId}:refund` });
      assert.deepEqual(await g.findAuthorization(lookup), {
        ...held,
        capturedCents: 3_000,
        refundedCents: 3_000,
      });
      assert.equal((await ledger.listForOrder(order.customerId, order.orderId)).length, 3);

      const declined = await newOrder(g, TEST_CARDS.decline);
      await g.authorize(declined);
      const { customerId, orderId, idempotencyKey } = declined;
      assert.equal(await g.findAuthorization({ customerId, orderId, idempotencyKey }), undefined, 'declined');
      await assert.rejects(
        g.findAuthorization({ ...lookup, idempotencyKey: `${order.orderId}:capture` }),
        IdempotencyKeyConflictError,
        'a key of another operation',
      );
    });
  });

  describe('latency and injected failures', () => {
    it('waits the configured latency on every money-moving call, not on tokenize', async () => {
      const waits: number[] = [];
      const g = gateway({ latencyMs: 25, sleep: async (ms) => void waits.push(ms) });
      const order = await newOrder(g, TEST_CARDS.approve);
      assert.deepEqual(waits, []);
      const auth = await g.authorize(order);
      assert.ok(auth.status === 'AUTHORIZED');
      await g.capture({
        ...order,
        authorizationId: auth.authorizationId,
        idempotencyKey: `${order.orderId}:capture`,
      });
      assert.deepEqual(waits, [25, 25]);
    });

    it('with failureRate 0.5, retrying until success leaves one row per key and the right net per order', async () => {
      const g = gateway({ failureRate: 0.5, random: seededRandom(20_240_611) });
      const stats = { attempts: 0, outages: 0, lostResponses: 0 };

      /** Retries an operation like Temporal would; tells an outage from a lost response by the ledger. */
      async function retry<T>(customerId: string, key: string, run: () => Promise<T>): Promise<T> {
        for (let attempt = 1; attempt <= 200; attempt++) {
          stats.attempts++;
          try {
            return await run();
          } catch (error) {
            if (!(error instanceof PaymentGatewayUnavailableError)) throw error;
            if (await ledger.find(customerId, key)) stats.lostResponses++;
            else stats.outages++;
          }
        }
        throw new Error(`${key} never succeeded`);
      }

      const ORDERS = 50;
      const scenarios = ['capture', 'capture+partial-refund', 'capture+full-refund', 'void'] as const;
      for (let i = 0; i < ORDERS; i++) {
        const cardNumber =
          i % 5 === 4 ? TEST_CARDS.decline : i % 7 === 3 ? TEST_CARDS.transient : TEST_CARDS.approve;
        const amountCents = 1_000 + i * 37;
        const order = await newOrder(g, cardNumber, amountCents);
        const { customerId, orderId } = order;
        const keys = [orderId];

        const auth = await retry(customerId, orderId, () => g.authorize(order));
        let expectedNet = 0;
        if (cardNumber === TEST_CARDS.decline) {
          assert.deepEqual(auth, { status: 'DECLINED', reason: 'card_declined' });
        } else {
          assert.ok(auth.status === 'AUTHORIZED', `order ${i}`);
          const ref = { customerId, orderId, authorizationId: auth.authorizationId };
          const scenario = scenarios[i % scenarios.length]!;
          if (scenario === 'void') {
            keys.push(`${orderId}:void`);
            await retry(customerId, `${orderId}:void`, () =>
              g.void({ ...ref, idempotencyKey: `${orderId}:void` }),
            );
          } else {
            keys.push(`${orderId}:capture`);
            const capture = { ...ref, amountCents, idempotencyKey: `${orderId}:capture` };
            const { captureId } = await retry(customerId, capture.idempotencyKey, () => g.capture(capture));
            assert.deepEqual(await gateway().capture(capture), { captureId }, 'the recorded answer');
            expectedNet = amountCents;
            const refunds =
              scenario === 'capture+partial-refund'
                ? [Math.floor(amountCents / 3)]
                : scenario === 'capture+full-refund'
                  ? [400, amountCents - 400]
                  : [];
            for (const [n, refundCents] of refunds.entries()) {
              const idempotencyKey = `${orderId}:refund-${n}`;
              keys.push(idempotencyKey);
              await retry(customerId, idempotencyKey, () =>
                g.refund({ ...ref, amountCents: refundCents, idempotencyKey }),
              );
              expectedNet -= refundCents;
            }
          }
        }

        const rows = await ledger.listForOrder(customerId, orderId);
        assert.deepEqual(
          rows.map((r) => r.idempotencyKey).sort(),
          [...keys].sort(),
          `order ${i}: one row per key`,
        );
        for (const key of keys) assert.equal(await rowsForKey(key), 1, key);
        const ok = rows.filter((r) => r.outcome === 'SUCCEEDED');
        const authorized = ok.filter((r) => r.operation === 'AUTHORIZE').length;
        assert.equal(
          authorized,
          cardNumber === TEST_CARDS.decline ? 0 : 1,
          `order ${i}: successful authorizations`,
        );
        const sum = (operation: string) =>
          ok.filter((r) => r.operation === operation).reduce((total, r) => total + r.amountCents, 0);
        assert.equal(sum('CAPTURE') - sum('REFUND'), expectedNet, `order ${i}: captured − refunded`);
      }

      // The run exercised both kinds of fault, so the assertions above were tested against them.
      assert.ok(stats.outages >= 10, `outages: ${stats.outages}`);
      assert.ok(stats.lostResponses >= 10, `lost responses: ${stats.lostResponses}`);
      assert.ok(stats.attempts > 2 * ORDERS, `attempts: ${stats.attempts}`);
    });
  });
});
