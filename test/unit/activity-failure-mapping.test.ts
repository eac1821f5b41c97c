/**
 * What Temporal is told when a real activity fails. The activity factories run in a MockActivityEnvironment
 * over small hand-written repositories and a payment gateway that fail the way the data layer and the
 * provider do, and each failure is read the way the worker reports it (`ensureApplicationFailure`: an
 * ApplicationFailure as thrown, anything else a retryable failure named after its class). Business errors
 * are non-retryable with the type the workflow branches on, or a typed result where the step returns one;
 * a statement the database refuses for good is a non-retryable `DatabaseRejected`; an outage, a lost
 * connection or a database failure of neither kind is a retryable `DatabaseUnavailable`.
 */
import assert from 'node:assert/strict';
import { ApplicationFailure, ensureApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { DrizzleQueryError } from 'drizzle-orm/errors';
import postgres from 'postgres';
import { type CheckoutActivityDeps, createCheckoutActivities } from '../../activities/checkout-activities.js';
import {
  createFulfillmentActivities,
  type FulfillmentActivityDeps,
} from '../../activities/fulfillment-activities.js';
import { createOrderActivities, type OrderActivityDeps } from '../../activities/order-activities.js';
import { createPaymentActivities } from '../../activities/payment-activities.js';
import { createSuborderActivities, type SuborderActivityDeps } from '../../activities/suborder-activities.js';
import { createWarehouseActivities } from '../../activities/warehouse-activities.js';
import {
  IdempotencyKeyConflictError,
  InvalidTransitionError,
  NotFoundError,
  OutOfStockError,
  VersionConflictError,
} from '../../db/errors.js';
import type { ItemView } from '../../db/repositories/catalog-repository.js';
import type { OrderHeader } from '../../db/repositories/order-repository.js';
import type { Suborder } from '../../db/repositories/suborder-repository.js';
import type { Shard } from '../../db/shard-set.js';
import { FAILURE } from '../../domain/failure-types.js';
import { PaymentStateError } from '../../payment-gateway/authorization-state.js';
import {
  InvalidPaymentTokenError,
  type PaymentGateway,
  PaymentGatewayUnavailableError,
} from '../../payment-gateway/gateway.js';
import { ADDRESS } from '../api/support.js';

/** Quiet: the environment's logger would print a warning for every failure below. */
const env = new MockActivityEnvironment({}, { logger: new DefaultLogger('ERROR') });

/** The failure the worker reports when `step` (run as an activity) throws; the test fails if it does not. */
async function failureOf(step: () => Promise<unknown>): Promise<ApplicationFailure> {
  let result: unknown;
  try {
    result = await env.run(step);
  } catch (error) {
    return ensureApplicationFailure(error);
  }
  assert.fail(`expected the activity to fail; it returned ${JSON.stringify(result)}`);
}

function assertFailure(failure: ApplicationFailure, type: string, nonRetryable: boolean, where = ''): void {
  assert.equal(failure.type, type, `${where} type (${failure.message})`);
  assert.equal(failure.nonRetryable, nonRetryable, `${where} nonRetryable (${failure.message})`);
}

/** A repository or gateway with the given methods; calling any other fails the test. */
function fake<T extends object>(methods: NoInfer<Partial<T>> = {}): T {
  return new Proxy(methods, {
    get: (target, name) =>
      name in target
        ? target[name as keyof typeof target]
        : () => assert.fail(`unexpected call of ${String(name)}`),
  }) as T;
}

const fails = (error: unknown) => async (): Promise<never> => {
  throw error;
};

/** postgres.js raises server errors as PostgresError, built from the fields of the server's message. */
const PostgresError = postgres.PostgresError as unknown as new (fields: object) => postgres.PostgresError;
const serverError = (code: string, fields: object = {}) =>
  new PostgresError({ code, severity: 'ERROR', message: `invalid input: "${ADDRESS.name}"`, ...fields });
/** Node's and postgres.js's errors for a connection that could not be made or was lost. */
const connectionError = (code: string) =>
  Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code, errno: code, address: '127.0.0.1' });

const ORDER = { orderId: 'ord-1', customerId: 'c-1' };
const SHARD = { id: 'shard-0' } as Shard;
const LINE = { ...ORDER, itemId: 'it-1' };
const ALLOCATION = { ...LINE, warehouseId: 'wh-east' };
const PARTS = [{ itemId: 'it-1', parts: [{ warehouseId: 'wh-east', quantity: 1 }] }];
const SPLIT = [{ warehouseId: 'wh-east', lines: [{ itemId: 'it-1', quantity: 1 }] }];
const SUBORDER = { ...ORDER, suborderId: 'ord-1.wh-east', warehouseId: 'wh-east', itemIds: ['it-1'] };
const SHORT = [{ itemId: 'it-1', requested: 3, available: 1 }];
const PAYMENT = { ...ORDER, authorizationId: 'auth-1', amountCents: 500 };
const CHARGE = { ...ORDER, amountCents: 500, paymentToken: 'tok-1' };
/** Personal data a failure must not repeat: in the server's message, and in the statement's parameters. */
const PERSONAL = [ADDRESS.name, ADDRESS.line1];
const expiresAt = () => new Date(Date.now() + 60_000).toISOString();
const item = (itemId: string) => ({ itemId, priceCents: 500 }) as ItemView;
const held = async () => [];

/** Methods for some of a factory's dependencies; every other method fails the test when called. */
type Fakes<Deps> = { [K in keyof Deps]?: Partial<Deps[K]> };
const orderSteps = (deps: Fakes<OrderActivityDeps>) =>
  createOrderActivities({ catalog: fake(deps.catalog), stock: fake(deps.stock), orders: fake(deps.orders) });
const checkoutSteps = (deps: Fakes<CheckoutActivityDeps>) =>
  createCheckoutActivities({
    shardSet: { forItem: () => SHARD },
    catalog: fake(deps.catalog),
    stock: fake(deps.stock),
    orders: fake(deps.orders),
  });
const suborderSteps = (deps: Fakes<SuborderActivityDeps>) =>
  createSuborderActivities({
    warehouseStock: fake(deps.warehouseStock),
    suborders: fake(deps.suborders),
    orders: fake(deps.orders),
  });
const fulfillmentSteps = (deps: Fakes<FulfillmentActivityDeps>) =>
  createFulfillmentActivities({
    warehouses: fake(deps.warehouses),
    warehouseStock: fake(deps.warehouseStock),
    suborders: fake(deps.suborders),
  });
const paymentSteps = (gateway: Partial<PaymentGateway>) =>
  createPaymentActivities({ gateway: fake<PaymentGateway>(gateway), orderStatus: async () => 'PENDING' });

/**
 * Every step that wraps a repository or gateway call in the failure mapping, run with that call failing
 * with `error` (what the step does before it succeeds).
 */
const WRAPPED_STEPS: Record<string, (error: unknown) => Promise<unknown>> = {
  'reserveLine (stock.reserve)': (error) =>
    orderSteps({ stock: { reserve: fails(error) } }).reserveLine({
      ...LINE,
      quantity: 1,
      expiresAt: expiresAt(),
    }),
  'releaseLine (stock.release)': (error) =>
    orderSteps({ stock: { release: fails(error) } }).releaseLine(LINE),
  'commitLine (stock.commit)': (error) => orderSteps({ stock: { commit: fails(error) } }).commitLine(LINE),
  'openOrder (orders.createCheckoutOrder)': (error) =>
    orderSteps({ orders: { createCheckoutOrder: fails(error) } }).openOrder({
      ...ORDER,
      lines: [],
      expiresAt: expiresAt(),
    }),
  'setOrderStatus (orders.transitionOrder)': (error) =>
    orderSteps({ orders: { transitionOrder: fails(error) } }).setOrderStatus({
      ...ORDER,
      status: 'PAYING',
      shippingAddress: ADDRESS,
    }),
  'beginOrder (orders.createCheckoutOrder)': (error) =>
    checkoutSteps({
      catalog: { getItems: async (ids) => ids.map(item) },
      stock: { reserveLines: held },
      orders: { createCheckoutOrder: fails(error) },
    }).beginOrder({ ...ORDER, lines: [{ itemId: 'it-1', quantity: 1 }], expiresAt: expiresAt() }),
  'startPaying (orders.transitionOrder)': (error) =>
    checkoutSteps({ orders: { transitionOrder: fails(error) } }).startPaying({
      ...ORDER,
      shippingAddress: ADDRESS,
    }),
  'confirmOrder (stock.commitLines)': (error) =>
    checkoutSteps({
      stock: { commitLines: fails(error) },
      orders: { transitionOrder: async () => ({ ...ORDER, status: 'PENDING' }) as OrderHeader },
    }).confirmOrder({ ...ORDER, itemIds: ['it-1'] }),
  'closeOrder (orders.transitionOrder)': (error) =>
    checkoutSteps({
      stock: { releaseLines: held },
      orders: { transitionOrder: fails(error) },
    }).closeOrder({ ...ORDER, itemIds: ['it-1'], status: 'EXPIRED' }),
  'allocateSuborders (suborders.createSuborders)': (error) =>
    suborderSteps({
      warehouseStock: { listAllocations: async () => [], allocateItem: async () => [] },
      suborders: { createSuborders: fails(error) },
    }).allocateSuborders({ ...ORDER, items: PARTS, suborders: SPLIT }),
  'advanceSuborder (warehouseStock.shipAllocation)': (error) =>
    suborderSteps({ warehouseStock: { shipAllocation: fails(error) } }).advanceSuborder({
      ...SUBORDER,
      to: 'SHIPPED',
      orderStatuses: [],
    }),
  'advanceSuborder (orders.transitionOrder)': (error) =>
    suborderSteps({
      suborders: { transitionSuborder: async () => ({}) as Suborder },
      orders: { transitionOrder: fails(error) },
    }).advanceSuborder({ ...SUBORDER, to: 'DELIVERED', orderStatuses: ['DELIVERED'] }),
  'cancelSuborders (warehouseStock.releaseAllocation)': (error) =>
    suborderSteps({ warehouseStock: { releaseAllocation: fails(error) } }).cancelSuborders({
      ...ORDER,
      allocations: [ALLOCATION],
      suborderIds: [SUBORDER.suborderId],
    }),
  'allocateItem (warehouseStock.allocateItem)': (error) =>
    fulfillmentSteps({ warehouseStock: { allocateItem: fails(error) } }).allocateItem({
      ...LINE,
      parts: PARTS[0]!.parts,
    }),
  'releaseAllocation (warehouseStock.releaseAllocation)': (error) =>
    fulfillmentSteps({ warehouseStock: { releaseAllocation: fails(error) } }).releaseAllocation(ALLOCATION),
  'shipAllocation (warehouseStock.shipAllocation)': (error) =>
    fulfillmentSteps({ warehouseStock: { shipAllocation: fails(error) } }).shipAllocation(ALLOCATION),
  'recordSuborders (suborders.createSuborders)': (error) =>
    fulfillmentSteps({ suborders: { createSuborders: fails(error) } }).recordSuborders({
      ...ORDER,
      suborders: SPLIT,
    }),
  'setSuborderStatus (suborders.transitionSuborder)': (error) =>
    fulfillmentSteps({ suborders: { transitionSuborder: fails(error) } }).setSuborderStatus({
      customerId: ORDER.customerId,
      suborderId: SUBORDER.suborderId,
      status: 'SHIPPED',
    }),
  'authorizeCharge (gateway.authorize)': (error) =>
    paymentSteps({ authorize: fails(error) }).authorizeCharge(CHARGE),
  'capturePayment (gateway.capture)': (error) =>
    paymentSteps({ capture: fails(error) }).capturePayment(PAYMENT),
  'voidPayment (gateway.void)': (error) => paymentSteps({ void: fails(error) }).voidPayment(PAYMENT),
  'refundPayment (gateway.refund)': (error) => paymentSteps({ refund: fails(error) }).refundPayment(PAYMENT),
};

describe('activity failure mapping: the real activity factories in a MockActivityEnvironment', () => {
  describe('business errors are non-retryable, typed for the workflow', () => {
    it('OutOfStock carries the short lines', async () => {
      for (const step of ['reserveLine (stock.reserve)', 'allocateItem (warehouseStock.allocateItem)']) {
        const failure = await failureOf(() => WRAPPED_STEPS[step]!(new OutOfStockError(SHORT)));
        assertFailure(failure, FAILURE.outOfStock, true, step);
        assert.deepEqual(failure.details, [{ lines: SHORT }], step);
      }
    });

    it('NotFound, InvalidTransition, IdempotencyKeyConflict and PaymentStateError keep their types', async () => {
      const cases: [string, Error, string][] = [
        ['setOrderStatus (orders.transitionOrder)', new NotFoundError('order', 'ord-1'), FAILURE.notFound],
        [
          'closeOrder (orders.transitionOrder)',
          new InvalidTransitionError('order', 'ord-1', 'PENDING', 'PAYMENT_FAILED'),
          FAILURE.invalidTransition,
        ],
        [
          'setSuborderStatus (suborders.transitionSuborder)',
          new InvalidTransitionError('suborder', 'ord-1.wh-east', 'CANCELLED', 'SHIPPED'),
          FAILURE.invalidTransition,
        ],
        [
          'beginOrder (orders.createCheckoutOrder)',
          new IdempotencyKeyConflictError('ord-1', 'other lines'),
          FAILURE.idempotencyConflict,
        ],
        [
          'openOrder (orders.createCheckoutOrder)',
          new IdempotencyKeyConflictError('ord-1', 'other lines'),
          FAILURE.idempotencyConflict,
        ],
        [
          'capturePayment (gateway.capture)',
          new PaymentStateError('order ord-1 has no successful authorization auth-1'),
          FAILURE.paymentState,
        ],
        [
          'refundPayment (gateway.refund)',
          new PaymentStateError('refund over the captured amount'),
          FAILURE.paymentState,
        ],
      ];
      for (const [step, error, type] of cases) {
        const failure = await failureOf(() => WRAPPED_STEPS[step]!(error));
        assertFailure(failure, type, true, step);
        assert.equal(failure.message, error.message, step);
      }
    });

    it('a warehouse told of a suborder that is not recorded fails NotFound', async () => {
      const steps = createWarehouseActivities({ suborders: fake({ listSuborders: async () => [] }) });
      const failure = await failureOf(() =>
        steps.notifyWarehouse({ ...ORDER, suborderId: SUBORDER.suborderId }),
      );
      assertFailure(failure, FAILURE.notFound, true);
    });

    it('a declined card fails the legacy authorizePayment with PaymentDeclined and the reason', async () => {
      const steps = paymentSteps({
        authorize: async () => ({ status: 'DECLINED', reason: 'CARD_DECLINED' }),
      });
      const failure = await failureOf(() => steps.authorizePayment(CHARGE));
      assertFailure(failure, FAILURE.paymentDeclined, true);
      assert.deepEqual(failure.details, [{ reason: 'CARD_DECLINED' }]);
    });
  });

  describe('business outcomes of the V2 steps are typed results, not failures', () => {
    it('beginOrder: a short line is OUT_OF_STOCK, and every hold of the order is given back', async () => {
      const released: unknown[] = [];
      const steps = checkoutSteps({
        catalog: { getItems: async (ids) => ids.map(item) },
        stock: {
          reserveLines: fails(new OutOfStockError(SHORT)),
          releaseLines: async (input) => {
            released.push(input);
            return [];
          },
        },
      });
      const lines = [{ itemId: 'it-1', quantity: 3 }];
      const result = await env.run(() => steps.beginOrder({ ...ORDER, lines, expiresAt: expiresAt() }));
      assert.deepEqual(result, { ok: false, reason: 'OUT_OF_STOCK', lines: SHORT });
      assert.deepEqual(released, [{ orderId: 'ord-1', itemIds: ['it-1'] }]);
    });

    it('beginOrder: items the catalog does not have are UNKNOWN_ITEMS', async () => {
      const steps = checkoutSteps({ catalog: { getItems: async () => [] } });
      const lines = [{ itemId: 'it-9', quantity: 1 }];
      const result = await env.run(() => steps.beginOrder({ ...ORDER, lines, expiresAt: expiresAt() }));
      assert.deepEqual(result, { ok: false, reason: 'UNKNOWN_ITEMS', itemIds: ['it-9'] });
    });

    it('allocateSuborders: an item that lost its units is planned again, nothing recorded', async () => {
      const steps = suborderSteps({
        warehouseStock: {
          listAllocations: async () => [],
          allocateItem: fails(new OutOfStockError(SHORT)),
        },
      });
      const result = await env.run(() =>
        steps.allocateSuborders({ ...ORDER, items: PARTS, suborders: SPLIT }),
      );
      assert.deepEqual(result, { ok: false, lostItemIds: ['it-1'], allocated: [] });
    });

    it('authorizeCharge: a decline and an unusable token are declines', async () => {
      const authorize = (outcome: PaymentGateway['authorize']) =>
        env.run(() => paymentSteps({ authorize: outcome }).authorizeCharge(CHARGE));
      assert.deepEqual(await authorize(async () => ({ status: 'DECLINED', reason: 'INSUFFICIENT_FUNDS' })), {
        ok: false,
        declineReason: 'INSUFFICIENT_FUNDS',
      });
      assert.deepEqual(await authorize(fails(new InvalidPaymentTokenError('expired'))), {
        ok: false,
        declineReason: 'INVALID_TOKEN',
      });
    });
  });

  describe('database failures, classified by SQLSTATE, from every wrapped step', () => {
    type Kind = 'permanent' | 'transient' | 'unknown';
    const cases: [what: string, error: () => unknown, code: string | null, kind: Kind][] = [
      // Refused for good: bad data, a broken constraint, a statement naming what does not exist.
      ['a NUL in a JSON value', () => serverError('22P05'), '22P05', 'permanent'],
      [
        'a unique violation',
        () => serverError('23505', { constraint_name: 'orders_pkey' }),
        '23505',
        'permanent',
      ],
      ['an undefined table', () => serverError('42P01'), '42P01', 'permanent'],
      [
        "drizzle's wrapper around a data exception",
        () => new DrizzleQueryError('update "orders" set "name" = $1', [ADDRESS.name], serverError('22021')),
        '22021',
        'permanent',
      ],
      // Heal by themselves: retried with backoff.
      ['a serialization failure', () => serverError('40001'), '40001', 'transient'],
      ['a deadlock', () => serverError('40P01'), '40P01', 'transient'],
      ['a lock timeout', () => serverError('55P03'), '55P03', 'transient'],
      ['a shard shutting down', () => serverError('57P01'), '57P01', 'transient'],
      ['too many connections', () => serverError('53300'), '53300', 'transient'],
      ['a refused connection', () => connectionError('ECONNREFUSED'), 'ECONNREFUSED', 'transient'],
      [
        'a connection closed mid-statement',
        () => connectionError('CONNECTION_CLOSED'),
        'CONNECTION_CLOSED',
        'transient',
      ],
      // A database failure of neither kind: retried, to be safe.
      ['an internal error', () => serverError('XX000'), 'XX000', 'unknown'],
      [
        'a failed query without a code',
        () => new DrizzleQueryError('select 1', [ADDRESS.line1]),
        null,
        'unknown',
      ],
    ];
    const expected = {
      permanent: { type: FAILURE.databaseRejected, nonRetryable: true },
      transient: { type: FAILURE.databaseUnavailable, nonRetryable: false },
      unknown: { type: FAILURE.databaseUnavailable, nonRetryable: false },
    };

    for (const [what, error, code, kind] of cases) {
      const { type, nonRetryable } = expected[kind];
      it(`${what} (${code ?? 'no code'}): ${type}, ${nonRetryable ? 'non-retryable' : 'retryable'}, nothing personal`, async () => {
        for (const [step, run] of Object.entries(WRAPPED_STEPS)) {
          const failure = await failureOf(() => run(error()));
          assertFailure(failure, type, nonRetryable, step);
          assert.deepEqual(failure.details, [{ code, kind }], step);
          const said = `${failure.message} ${JSON.stringify(failure.details)}`;
          for (const word of PERSONAL) assert.ok(!said.includes(word), `${step} repeats "${word}": ${said}`);
        }
      });
    }
  });

  describe('anything else is left to Temporal: retried, under its own class name', () => {
    it('a version conflict the repository gave up on, a gateway outage, a plain error', async () => {
      const cases: [string, Error][] = [
        ['setOrderStatus (orders.transitionOrder)', new VersionConflictError('order', 'ord-1', 5)],
        ['shipAllocation (warehouseStock.shipAllocation)', new VersionConflictError('allocation', 'it-1', 5)],
        ['capturePayment (gateway.capture)', new PaymentGatewayUnavailableError('provider timed out')],
        ['authorizeCharge (gateway.authorize)', new PaymentGatewayUnavailableError('provider timed out')],
        ['confirmOrder (stock.commitLines)', new RangeError('a bug')],
      ];
      for (const [step, error] of cases) {
        const failure = await failureOf(() => WRAPPED_STEPS[step]!(error));
        assertFailure(failure, error.constructor.name, false, step);
        assert.equal(failure.message, error.message, step);
      }
    });

    it('an ApplicationFailure from below passes unchanged', async () => {
      const given = ApplicationFailure.nonRetryable('already decided', 'SomethingElse');
      for (const [step, run] of Object.entries(WRAPPED_STEPS)) {
        assert.equal(await failureOf(() => run(given)), given, step);
      }
    });
  });
});
