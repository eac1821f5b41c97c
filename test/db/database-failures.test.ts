/**
 * Database failures reach Temporal classified by SQLSTATE and redacted, on a real shard: a statement the
 * server refuses for good (a NUL in a JSON parameter) is a non-retryable `DatabaseRejected` failure, a
 * connection killed mid-statement a retryable `DatabaseUnavailable` one, and neither carries the
 * statement's parameters (the shipping address) in its message, stack or details.
 */
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { ApplicationFailure } from '@temporalio/common';
import { toActivityFailure } from '../../activities/failures.js';
import { createOrderActivities } from '../../activities/order-activities.js';
import { classifyDbError, loggableError, NotFoundError } from '../../db/errors.js';
import { createOrderRepository } from '../../db/repositories/order-repository.js';
import type { ShardSet } from '../../db/shard-set.js';
import { FAILURE } from '../../domain/failure-types.js';
import { CURSOR_SECRET, suiteShardSet, uniqueId } from './fixtures.js';

const ADDRESS = {
  name: 'Ada Lovelace',
  line1: '12 St James Square',
  city: 'London',
  postalCode: 'SW1Y 4JH',
  country: 'GB',
};
const POISONED = { ...ADDRESS, name: 'Ada\u0000Lovelace' };
const PERSONAL = ['Ada', 'Lovelace', 'St James', 'SW1Y'];

/** Everything of a failure that reaches a log line or a workflow history. */
function everythingSaid(failure: ApplicationFailure): string {
  return [
    failure.message,
    failure.stack,
    JSON.stringify(failure.details),
    inspect(failure, { depth: 10 }),
  ].join('\n');
}

function assertNothingPersonal(failure: ApplicationFailure): void {
  const said = everythingSaid(failure);
  for (const word of PERSONAL) assert.ok(!said.includes(word), `"${word}" leaked: ${said}`);
  assert.doesNotMatch(said, /params:|Failed query/);
}

async function failureOf(call: () => Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await call();
  } catch (error) {
    assert.ok(error instanceof ApplicationFailure, `an ApplicationFailure, got ${inspect(error)}`);
    return error;
  }
  assert.fail('expected the activity to fail');
}

describe('database failures as activity failures (real shard)', function () {
  this.timeout(60_000);
  let shardSet: ShardSet;
  let orders: ReturnType<typeof createOrderRepository>;
  let steps: ReturnType<typeof createOrderActivities>;

  before(() => {
    shardSet = suiteShardSet({ poolSize: 4 });
    orders = createOrderRepository({ shardSet, cursorSecret: CURSOR_SECRET });
    steps = createOrderActivities({ catalog: {} as never, stock: {} as never, orders });
  });
  after(() => shardSet.close());

  async function reservedOrder() {
    const customerId = uniqueId('cust');
    const orderId = uniqueId('ord');
    const lines = [{ itemId: 'item-a', quantity: 1, priceCents: 500 }];
    await orders.createCheckoutOrder({
      orderId,
      customerId,
      lines,
      expiresAt: new Date(Date.now() + 60_000),
    });
    return { orderId, customerId };
  }

  it('a status write with a NUL in the shipping address is non-retryable and names no part of it', async () => {
    const order = await reservedOrder();
    const failure = await failureOf(() =>
      steps.setOrderStatus({ ...order, status: 'PAYING', shippingAddress: POISONED }),
    );
    assert.equal(failure.type, FAILURE.databaseRejected);
    assert.equal(failure.nonRetryable, true);
    const [details] = failure.details as [{ code: string; kind: string }];
    assert.match(details.code, /^22/, 'a data exception (class 22)');
    assert.equal(details.kind, 'permanent');
    assert.match(failure.message, /code 22[0-9A-Z]{3} data_exception/);
    assertNothingPersonal(failure);

    const after = await orders.getOrder(order.customerId, order.orderId);
    assert.equal(after?.status, 'RESERVED', 'nothing was written');
  });

  it('a connection killed mid-statement is retryable, names nothing personal, and the retry succeeds', async () => {
    const order = await reservedOrder();
    const { sql } = shardSet.forCustomer(order.customerId);
    let write: Promise<unknown> | undefined;
    // Hold the order's row, so the status write waits on its lock; then kill the waiting backend.
    await sql.begin(async (tx) => {
      await tx`select 1 from orders where order_id = ${order.orderId} for update`;
      write = failureOf(() => steps.setOrderStatus({ ...order, status: 'PAYING', shippingAddress: ADDRESS }));
      let waiting: { pid: number } | undefined;
      for (let i = 0; i < 200 && !waiting; i++) {
        // Outside the transaction: it would see one snapshot of the statistics views.
        [waiting] = await sql<{ pid: number }[]>`
          select pid from pg_stat_activity
          where wait_event_type = 'Lock' and query like 'update "orders"%' `;
        if (!waiting) await new Promise((resolve) => setTimeout(resolve, 25));
      }
      assert.ok(waiting, 'the status write waits on the row lock');
      await tx`select pg_terminate_backend(${waiting.pid})`;
    });
    const failure = (await write) as ApplicationFailure;
    assert.equal(failure.type, FAILURE.databaseUnavailable, failure.message);
    assert.equal(failure.nonRetryable, false);
    assert.equal((failure.details as [{ kind: string }])[0].kind, 'transient');
    assertNothingPersonal(failure);

    await steps.setOrderStatus({ ...order, status: 'PAYING', shippingAddress: ADDRESS });
    const after = await orders.getOrder(order.customerId, order.orderId);
    assert.equal(after?.status, 'PAYING');
    assert.deepEqual(after?.shippingAddress, ADDRESS);
  });

  it('a statement naming what does not exist is non-retryable (class 42)', async () => {
    const { sql } = shardSet.shards[0]!;
    const failure = await failureOf(async () => {
      try {
        await sql`select * from no_such_table where secret = ${'Lovelace'}`;
      } catch (error) {
        throw toActivityFailure(error);
      }
    });
    assert.equal(failure.type, FAILURE.databaseRejected);
    assert.equal(failure.nonRetryable, true);
    assert.match(failure.message, /code 42P01/);
    assertNothingPersonal(failure);
  });

  it('classifies SQLSTATEs: connection, shutdown, serialization, lock and resource errors heal; the rest do not', () => {
    const kind = (code: string) => classifyDbError({ code })?.kind;
    for (const code of ['08006', '08001', '57P01', '57P03', '40001', '40P01', '55P03', '53300', '53100']) {
      assert.equal(kind(code), 'transient', code);
    }
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'CONNECTION_CLOSED', 'CONNECT_TIMEOUT']) {
      assert.equal(kind(code), 'transient', code);
    }
    for (const code of ['22P05', '22021', '22003', '23505', '23514', '42P01', '42601', '0A000', 'P0001']) {
      assert.equal(kind(code), 'permanent', code);
    }
    assert.equal(kind('XX000'), 'unknown', 'neither kind: retried, to be safe');
    const wrapped = Object.assign(new Error('Failed query: update … params: Ada Lovelace'), {
      name: 'DrizzleQueryError',
      cause: { code: '22P05', table_name: 'orders' },
    });
    assert.deepEqual(classifyDbError(wrapped), {
      kind: 'permanent',
      code: '22P05',
      table: 'orders',
      column: undefined,
      constraint: undefined,
    });
    assert.equal(
      loggableError(wrapped),
      'database call failed (permanent), code 22P05 data_exception, table orders',
    );
    assert.equal(classifyDbError(new NotFoundError('order', 'o-1')), undefined, 'business errors are not');
    assert.equal(classifyDbError(new RangeError('bad input')), undefined);
    assert.equal(classifyDbError(undefined), undefined);
  });
});
