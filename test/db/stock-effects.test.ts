import assert from 'node:assert/strict';
import {
  IdempotencyKeyConflictError,
  InvalidTransitionError,
  NotFoundError,
  OutOfStockError,
} from '../../db/errors.js';
import { checkInvariants } from '../../db/invariants.js';
import { createPaymentLedgerRepository } from '../../db/repositories/payment-ledger-repository.js';
import { createStockRepository } from '../../db/repositories/stock-repository.js';
import { createWarehouseStockRepository } from '../../db/repositories/warehouse-stock-repository.js';
import type { ShardSet } from '../../db/shard-set.js';
import { bytewiseBy } from '../support/byte-order.js';
import { createStockedItem, suiteShardSet, uniqueId } from './fixtures.js';

/** The retried-activity case: every effect applied twice must change the counters once. */
describe('stock, warehouse and payment effects', () => {
  let shardSet: ShardSet;
  let stock: ReturnType<typeof createStockRepository>;
  let warehouseStock: ReturnType<typeof createWarehouseStockRepository>;

  before(() => {
    shardSet = suiteShardSet();
    stock = createStockRepository({ shardSet });
    warehouseStock = createWarehouseStockRepository({ shardSet });
  });
  after(() => shardSet.close());

  async function levels(itemId: string) {
    const rows = await warehouseStock.getAvailability([itemId]);
    return {
      stock: await stock.getStock(itemId),
      a: rows.find((r) => r.warehouseId === 'wh-test-a'),
      b: rows.find((r) => r.warehouseId === 'wh-test-b'),
    };
  }

  /** `count` new items on one shard (the shard of `near` when given), each with `units`. */
  async function itemsOnOneShard(count: number, units: { a: number }, near?: string): Promise<string[]> {
    const ids: string[] = near ? [near] : [uniqueId('item')];
    const home = shardSet.forItem(ids[0]!);
    while (ids.length < count + (near ? 1 : 0)) {
      const candidate = uniqueId('item');
      if (shardSet.forItem(candidate) === home) ids.push(candidate);
    }
    if (near) ids.shift();
    for (const itemId of ids) await createStockedItem(shardSet, units, { itemId });
    return ids;
  }

  async function assertInvariants(itemId: string) {
    assert.deepEqual(await checkInvariants(shardSet, { itemIds: [itemId], orderIds: [] }), []);
  }

  it('a reservation applied twice holds the units once', async () => {
    const itemId = await createStockedItem(shardSet, { a: 5, b: 5 });
    const orderId = uniqueId('ord');
    const first = await stock.reserve({
      orderId,
      itemId,
      quantity: 3,
      expiresAt: new Date(Date.now() + 60_000),
    });
    const second = await stock.reserve({
      orderId,
      itemId,
      quantity: 3,
      expiresAt: new Date(Date.now() + 60_000),
    });
    assert.deepEqual(second, first);
    const level = await stock.getStock(itemId);
    assert.equal(level?.available, 7);
    assert.equal(level?.version, 1);
    await assert.rejects(
      stock.reserve({ orderId, itemId, quantity: 4, expiresAt: null }),
      IdempotencyKeyConflictError,
      'the same key with another quantity is a caller bug',
    );
    await assertInvariants(itemId);
  });

  it('the same reservation sent concurrently holds the units once and answers the same to every call', async () => {
    const itemId = await createStockedItem(shardSet, { a: 10 });
    const orderId = uniqueId('ord');
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => stock.reserve({ orderId, itemId, quantity: 3, expiresAt: null })),
    );
    for (const answer of answers) assert.deepEqual(answer, answers[0]);
    assert.deepEqual([answers[0]!.status, answers[0]!.quantity], ['RESERVED', 3]);
    const level = await stock.getStock(itemId);
    assert.deepEqual([level?.available, level?.version], [7, 1], 'one decrement, one version step');
    await assertInvariants(itemId);
  });

  it('several lines reserved twice, and concurrently, hold each line once', async () => {
    const [first, second] = (await itemsOnOneShard(2, { a: 5 })) as [string, string];
    const orderId = uniqueId('ord');
    const lines = [
      { itemId: first, quantity: 2 },
      { itemId: second, quantity: 1 },
    ];
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => stock.reserveLines({ orderId, lines, expiresAt: null })),
    );
    const replay = await stock.reserveLines({ orderId, lines: [...lines].reverse(), expiresAt: null });
    for (const answer of [...answers, replay]) assert.deepEqual(answer, answers[0]);
    assert.equal(answers[0]!.length, 2);
    for (const [itemId, left] of [
      [first, 3],
      [second, 4],
    ] as const) {
      const level = await stock.getStock(itemId);
      assert.deepEqual(
        [level?.available, level?.version],
        [left, 1],
        `${itemId}: one decrement, one version step`,
      );
      await assertInvariants(itemId);
    }
    await assert.rejects(
      stock.reserveLines({ orderId, lines: [{ itemId: first, quantity: 3 }, lines[1]!], expiresAt: null }),
      IdempotencyKeyConflictError,
    );
  });

  it('a release applied twice gives the units back once', async () => {
    const itemId = await createStockedItem(shardSet, { a: 5 });
    const orderId = uniqueId('ord');
    await stock.reserve({ orderId, itemId, quantity: 2, expiresAt: null });
    const first = await stock.release({ orderId, itemId });
    const second = await stock.release({ orderId, itemId });
    assert.equal(first.status, 'RELEASED');
    assert.deepEqual(second, first);
    const level = await stock.getStock(itemId);
    assert.equal(level?.available, 5);
    assert.equal(level?.version, 2, 'one step for the reserve, one for the release');
    await assert.rejects(stock.commit({ orderId, itemId }), InvalidTransitionError);
    await assertInvariants(itemId);
  });

  it('a release that overtakes its reservation leaves a tombstone the late reservation respects', async () => {
    const itemId = await createStockedItem(shardSet, { a: 5 });
    const orderId = uniqueId('ord');
    const tombstone = await stock.release({ orderId, itemId });
    assert.deepEqual([tombstone.status, tombstone.quantity], ['RELEASED', 0]);
    const late = await stock.reserve({ orderId, itemId, quantity: 2, expiresAt: null });
    assert.equal(late.status, 'RELEASED', 'the late reservation does nothing');
    assert.equal((await stock.getStock(itemId))?.available, 5);
    await assertInvariants(itemId);
  });

  it('reads units and the asked orders recorded reservations together (the BEGIN admission read)', async () => {
    const itemId = await createStockedItem(shardSet, { a: 5 });
    const [held, released, untouched, otherItem] = ['held', 'released', 'untouched', 'other'].map(uniqueId);
    await stock.reserve({ orderId: held!, itemId, quantity: 2, expiresAt: null });
    await stock.release({ orderId: released!, itemId });
    await stock.reserve({ orderId: otherItem!, itemId, quantity: 1, expiresAt: null });
    const read = await stock.getStockAndRecorded(itemId, [held!, released!, untouched!]);
    assert.equal(read?.available, 2);
    assert.deepEqual(read?.recordedOrderIds.sort(), [held!, released!].sort(), 'only the asked orders');
    assert.deepEqual(await stock.getStockAndRecorded(itemId, []), { available: 2, recordedOrderIds: [] });
    assert.equal(await stock.getStockAndRecorded(uniqueId('no-such-item'), [held!]), undefined);
  });

  it('reserves every line of one shard or none, naming each short line', async () => {
    const [first] = (await itemsOnOneShard(1, { a: 3 })) as [string];
    const [second] = (await itemsOnOneShard(1, { a: 1 }, first)) as [string];
    const [third] = (await itemsOnOneShard(1, { a: 10 }, first)) as [string];
    const orderId = uniqueId('ord');

    const error = await stock
      .reserveLines({
        orderId,
        lines: [
          { itemId: first, quantity: 4 },
          { itemId: second, quantity: 2 },
          { itemId: third, quantity: 1 },
        ],
        expiresAt: null,
      })
      .catch((e: unknown) => e);
    assert.ok(error instanceof OutOfStockError);
    assert.deepEqual(
      [...error.lines].sort(bytewiseBy((line) => line.itemId)),
      [
        { itemId: first, requested: 4, available: 3 },
        { itemId: second, requested: 2, available: 1 },
      ].sort(bytewiseBy((line) => line.itemId)),
    );
    for (const [itemId, units] of [
      [first, 3],
      [second, 1],
      [third, 10],
    ] as const) {
      assert.equal((await stock.getStock(itemId))?.available, units, `${itemId} untouched`);
      assert.equal(await stock.getReservation({ orderId, itemId }), undefined);
    }

    const reserved = await stock.reserveLines({
      orderId,
      lines: [
        { itemId: third, quantity: 2 },
        { itemId: first, quantity: 3 },
      ],
      expiresAt: null,
    });
    assert.equal(reserved.length, 2);
    await assert.rejects(
      stock.reserve({ orderId, itemId: uniqueId('nope'), quantity: 1, expiresAt: null }),
      NotFoundError,
    );
    await assertInvariants(first);
    await assertInvariants(third);
  });

  it('allocation, shipment and their repeats move each counter once; invariants hold at every step', async () => {
    const itemId = await createStockedItem(shardSet, { a: 5, b: 5 });
    const orderId = uniqueId('ord');
    await stock.reserve({ orderId, itemId, quantity: 6, expiresAt: null });
    const toA = { orderId, itemId, warehouseId: 'wh-test-a' };
    const toB = { orderId, itemId, warehouseId: 'wh-test-b' };
    await assert.rejects(
      warehouseStock.allocate({ ...toA, quantity: 5 }),
      InvalidTransitionError,
      'not paid yet',
    );
    await assertInvariants(itemId);

    await stock.commit({ orderId, itemId });
    await stock.commit({ orderId, itemId });
    await assertInvariants(itemId);

    const allocated = await warehouseStock.allocate({ ...toA, quantity: 5 });
    assert.deepEqual(
      await warehouseStock.allocate({ ...toA, quantity: 5 }),
      allocated,
      'a repeat returns the effect',
    );
    await warehouseStock.allocate({ ...toB, quantity: 1 });
    let now = await levels(itemId);
    assert.deepEqual([now.a?.physical, now.a?.available, now.b?.physical, now.b?.available], [5, 0, 5, 4]);
    assert.equal(now.stock?.available, 4);
    await assertInvariants(itemId);

    await assert.rejects(
      stock.release({ orderId, itemId }),
      InvalidTransitionError,
      'units are still allocated',
    );

    const shipped = await warehouseStock.shipAllocation(toA);
    assert.equal(shipped.status, 'SHIPPED');
    assert.deepEqual(await warehouseStock.shipAllocation(toA), shipped);
    await assert.rejects(warehouseStock.releaseAllocation(toA), InvalidTransitionError);
    now = await levels(itemId);
    assert.deepEqual([now.a?.physical, now.a?.available], [0, 0], 'shipping takes the physical units once');
    await assertInvariants(itemId);

    const released = await warehouseStock.releaseAllocation(toB);
    assert.deepEqual(await warehouseStock.releaseAllocation(toB), released);
    now = await levels(itemId);
    assert.deepEqual([now.b?.physical, now.b?.available], [5, 5]);
    await assertInvariants(itemId);
  });

  it('refuses allocations beyond the reservation and short warehouses', async () => {
    const itemId = await createStockedItem(shardSet, { a: 2, b: 5 });
    const orderId = uniqueId('ord');
    await stock.reserve({ orderId, itemId, quantity: 3, expiresAt: null });
    await stock.commit({ orderId, itemId });
    const short = await warehouseStock
      .allocate({ orderId, itemId, warehouseId: 'wh-test-a', quantity: 3 })
      .catch((e: unknown) => e);
    assert.ok(short instanceof OutOfStockError);
    assert.deepEqual(short.lines, [{ itemId, requested: 3, available: 2 }]);
    await warehouseStock.allocate({ orderId, itemId, warehouseId: 'wh-test-b', quantity: 3 });
    await assert.rejects(
      warehouseStock.allocate({ orderId, itemId, warehouseId: 'wh-test-a', quantity: 1 }),
      InvalidTransitionError,
    );
    await assertInvariants(itemId);
  });

  it('allocates one item from several warehouses in one transaction: all parts or none, once', async () => {
    const itemId = await createStockedItem(shardSet, { a: 2, b: 5 });
    const orderId = uniqueId('ord');
    await stock.reserve({ orderId, itemId, quantity: 6, expiresAt: null });
    await stock.commit({ orderId, itemId });

    const short = await warehouseStock
      .allocateItem({
        orderId,
        itemId,
        parts: [
          { warehouseId: 'wh-test-b', quantity: 3 },
          { warehouseId: 'wh-test-a', quantity: 3 },
        ],
      })
      .catch((e: unknown) => e);
    assert.ok(short instanceof OutOfStockError);
    assert.deepEqual(short.lines, [{ itemId, requested: 3, available: 2 }]);
    assert.deepEqual(await warehouseStock.listAllocations(orderId, itemId), [], 'no part survived');

    const parts = [
      { warehouseId: 'wh-test-b', quantity: 4 },
      { warehouseId: 'wh-test-a', quantity: 2 },
    ];
    const first = await warehouseStock.allocateItem({ orderId, itemId, parts });
    const again = await warehouseStock.allocateItem({ orderId, itemId, parts });
    assert.deepEqual(again, first);
    const now = await levels(itemId);
    assert.deepEqual([now.a?.available, now.b?.available], [0, 1]);
    await assertInvariants(itemId);
  });

  it('a cancellation after allocation returns every unit (release allocation, then the reservation)', async () => {
    const itemId = await createStockedItem(shardSet, { a: 4 });
    const orderId = uniqueId('ord');
    const key = { orderId, itemId, warehouseId: 'wh-test-a' };
    await stock.reserve({ orderId, itemId, quantity: 3, expiresAt: null });
    await stock.commit({ orderId, itemId });
    await warehouseStock.allocate({ ...key, quantity: 3 });
    await warehouseStock.releaseAllocation(key);
    await stock.release({ orderId, itemId });
    await stock.release({ orderId, itemId });
    const now = await levels(itemId);
    assert.deepEqual([now.stock?.available, now.a?.available, now.a?.physical], [4, 4, 4]);
    await assertInvariants(itemId);
  });

  it('a restock applied twice adds the units once', async () => {
    const itemId = await createStockedItem(shardSet, { a: 1 });
    const adjustmentId = uniqueId('grn');
    const input = { adjustmentId, itemId, warehouseId: 'wh-test-b', quantity: 7 };
    const first = await warehouseStock.restock(input);
    const second = await warehouseStock.restock(input);
    assert.equal(first.applied, true);
    assert.equal(second.applied, false);
    assert.equal(second.available, 8);
    assert.deepEqual(second.warehouseStock, first.warehouseStock);
    const now = await levels(itemId);
    assert.deepEqual([now.stock?.available, now.b?.physical, now.b?.available], [8, 7, 7]);
    await assert.rejects(warehouseStock.restock({ ...input, quantity: 8 }), IdempotencyKeyConflictError);
    await assert.rejects(
      warehouseStock.restock({ ...input, adjustmentId: uniqueId('grn'), warehouseId: 'wh-nowhere' }),
      NotFoundError,
    );
    await assertInvariants(itemId);
  });

  it('a payment recorded twice is one ledger row', async () => {
    const payments = createPaymentLedgerRepository({ shardSet });
    const customerId = uniqueId('cust');
    const orderId = uniqueId('ord');
    const entry = {
      customerId,
      orderId,
      operation: 'AUTHORIZE',
      amountCents: 4_200,
      outcome: 'SUCCEEDED',
    } as const;
    const first = await payments.recordOnce(orderId, { ...entry, gatewayReference: 'auth-1' });
    const second = await payments.recordOnce(orderId, { ...entry, gatewayReference: 'auth-2' });
    assert.equal(first.created, true);
    assert.equal(second.created, false);
    assert.equal(second.entry.gatewayReference, 'auth-1', 'the first record wins');
    assert.equal((await payments.listForOrder(customerId, orderId)).length, 1);
    await assert.rejects(
      payments.recordOnce(orderId, { ...entry, amountCents: 1 }),
      IdempotencyKeyConflictError,
    );
  });
});
