/**
 * The BEGIN admission (api/stock-admission.ts) against an in-memory stock whose reads, like the shard's one
 * statement, return `available` and the recorded reservations in one snapshot. Admitted checkouts reserve
 * (or fail and take nothing); the admission must let through no more than the free units and refuse nobody
 * while a free unit exists.
 */
import assert from 'node:assert/strict';
import { type Admission, StockAdmission } from '../../api/stock-admission.js';
import { seededRandom } from '../../db/seeded-random.js';

/** An item shard's stock rows and reservation rows. Reads are answered on the next turn, or when let go. */
function memoryStock(levels: Record<string, number>) {
  const available = new Map(Object.entries(levels));
  const recorded = new Map<string, Set<string>>();
  const held: { itemId: string; go: () => void }[] = [];
  let holding = false;
  let reads = 0;
  const recordsOf = (itemId: string) => {
    const set = recorded.get(itemId) ?? new Set<string>();
    recorded.set(itemId, set);
    return set;
  };
  return {
    available,
    reads: () => reads,
    /** An admitted checkout's reservation: the effect row and the decrement, together. */
    reserve(orderId: string, itemId: string, quantity: number) {
      assert.ok(available.get(itemId)! >= quantity, 'the reservation statement never oversells');
      available.set(itemId, available.get(itemId)! - quantity);
      recordsOf(itemId).add(orderId);
    },
    /** An admitted checkout that failed before reserving leaves a tombstone and takes nothing. */
    fail(orderId: string, itemId: string) {
      recordsOf(itemId).add(orderId);
    },
    /** From now on reads wait for `letGo(itemId)`. */
    holdReads() {
      holding = true;
    },
    letGo(itemId: string) {
      const index = held.findIndex((read) => read.itemId === itemId);
      assert.ok(index >= 0, `a read of ${itemId} is waiting`);
      held.splice(index, 1)[0]!.go();
    },
    waitingReads: (itemId: string) => held.filter((read) => read.itemId === itemId).length,
    readStock: async (itemId: string, orderIds: readonly string[]) => {
      reads++;
      if (holding) await new Promise<void>((go) => held.push({ itemId, go }));
      else await new Promise((resolve) => setImmediate(resolve));
      // The snapshot is taken when the statement runs, not when it was sent.
      const units = available.get(itemId);
      if (units === undefined) return undefined;
      return { available: units, recordedOrderIds: orderIds.filter((id) => recordsOf(itemId).has(id)) };
    },
  };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));
const one = (itemId: string) => [{ itemId, quantity: 1 }];

describe('BEGIN admission per item', () => {
  it('a flash sale of 30 shoppers for 10 units: 10 admitted, the other 20 refused before any answered', async () => {
    const stock = memoryStock({ hot: 10 });
    const admission = new StockAdmission({ readStock: stock.readStock });
    const all = await Promise.all(Array.from({ length: 30 }, (_, i) => admission.admit(`o${i}`, one('hot'))));
    const admitted = all.filter((a): a is Extract<Admission, { ok: true }> => a.ok);
    assert.equal(admitted.length, 10, 'exactly the free units are let through');
    assert.equal(admission.inFlight('hot'), 10);
    for (const r of all.filter((a) => !a.ok)) {
      assert.deepEqual(r.ok ? undefined : r.short, [{ itemId: 'hot', requested: 1, available: 0 }]);
    }
    assert.ok(stock.reads() <= 4, `reads are shared, not one per shopper (${stock.reads()})`);
    for (const a of admitted) a.release();
    assert.equal(admission.inFlight('hot'), 0);
  });

  it('counts a hold once: a reservation already recorded does not also count as a claim', async () => {
    const stock = memoryStock({ lamp: 5 });
    const admission = new StockAdmission({ readStock: stock.readStock });
    const a = await admission.admit('a', [{ itemId: 'lamp', quantity: 2 }]);
    assert.ok(a.ok);
    stock.reserve('a', 'lamp', 2); // a's workflow reserved; its BEGIN has not answered yet
    const b = await admission.admit('b', [{ itemId: 'lamp', quantity: 3 }]);
    assert.equal(b.ok, true, '3 units are free: 5 − 2 held, and a holds nothing more');
    const c = await admission.admit('c', one('lamp'));
    assert.deepEqual(c, {
      ok: false,
      short: [{ itemId: 'lamp', requested: 1, available: 0 }],
      reservedBefore: false,
    });
  });

  it('units of a checkout that failed go to the next shopper', async () => {
    const stock = memoryStock({ drum: 1 });
    const admission = new StockAdmission({ readStock: stock.readStock });
    const first = await admission.admit('first', one('drum'));
    assert.ok(first.ok);
    assert.equal((await admission.admit('second', one('drum'))).ok, false, 'claimed by a running checkout');
    stock.fail('first', 'drum');
    assert.equal(
      (await admission.admit('third', one('drum'))).ok,
      true,
      'the failed claim is recorded: free',
    );
    first.release();
  });

  it("a hold made while another checkout's read is under way counts once, not as a hold and a claim", async () => {
    const stock = memoryStock({ desk: 2, chair: 5 });
    const admission = new StockAdmission({ readStock: stock.readStock });
    stock.holdReads();
    // a wants a desk and a chair; its desk read ends first, its chair read is held.
    const a = admission.admit('a', [
      { itemId: 'desk', quantity: 1 },
      { itemId: 'chair', quantity: 1 },
    ]);
    await tick();
    stock.letGo('desk');
    await tick();
    // b's desk read begins while a is still being admitted.
    const b = admission.admit('b', one('desk'));
    await tick();
    stock.letGo('chair');
    assert.equal((await a).ok, true);
    stock.reserve('a', 'desk', 1); // before b's read runs: it sees a's hold
    stock.letGo('desk');
    assert.equal((await b).ok, true, 'one desk is free');
    assert.equal(stock.waitingReads('desk'), 0);
    const c = admission.admit('c', one('desk'));
    await tick();
    stock.letGo('desk');
    assert.equal((await c).ok, false, 'both desks are taken');
  });

  it('never refuses while a unit is free, whatever fails (200 shoppers, 40 units, a third fail)', async () => {
    const stock = memoryStock({ drum: 40 });
    const admission = new StockAdmission({ readStock: stock.readStock });
    const random = seededRandom(7);
    let running = 0; // admitted, neither reserved nor failed yet
    let reserved = 0;
    let failed = 0;
    let refused = 0;
    await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        await new Promise((resolve) => setTimeout(resolve, random() * 20));
        const admitted = await admission.admit(`o${i}`, one('drum'));
        if (!admitted.ok) {
          refused++;
          assert.ok(stock.available.get('drum')! - running < 1, 'refused only when no unit was free');
          return;
        }
        running++;
        await new Promise((resolve) => setTimeout(resolve, random() * 10));
        running--;
        // The workflow is the authority: a reservation needs a unit.
        if (random() < 1 / 3 || stock.available.get('drum')! < 1) {
          stock.fail(`o${i}`, 'drum');
          failed++;
        } else {
          stock.reserve(`o${i}`, 'drum', 1);
          reserved++;
        }
        admitted.release();
      }),
    );
    assert.equal(reserved + failed + refused, 200);
    assert.ok(reserved <= 40 && stock.available.get('drum') === 40 - reserved);
    assert.ok(refused > 0 && reserved > 20, `${reserved} reserved, ${refused} refused`);
    assert.equal(admission.inFlight('drum'), 0);
  });

  it('names only the short lines of a multi-line checkout and holds nothing for it', async () => {
    const stock = memoryStock({ desk: 5, chair: 1 });
    const admission = new StockAdmission({ readStock: stock.readStock });
    const result = await admission.admit('o', [
      { itemId: 'desk', quantity: 2 },
      { itemId: 'chair', quantity: 3 },
    ]);
    assert.deepEqual(result, {
      ok: false,
      short: [{ itemId: 'chair', requested: 3, available: 1 }],
      reservedBefore: false,
    });
    assert.equal(admission.inFlight('desk'), 0);
  });

  it('tells a refused repeat whose order reserved before, from the same read', async () => {
    const stock = memoryStock({ vase: 1 });
    const admission = new StockAdmission({ readStock: stock.readStock });
    const first = await admission.admit('keyed', one('vase'));
    assert.ok(first.ok);
    stock.reserve('keyed', 'vase', 1);
    first.release(); // its BEGIN answered
    const readsBefore = stock.reads();
    const repeat = await admission.admit('keyed', one('vase'));
    assert.deepEqual(repeat, {
      ok: false,
      short: [{ itemId: 'vase', requested: 1, available: 0 }],
      reservedBefore: true,
    });
    assert.equal(stock.reads(), readsBefore + 1);
    const other = await admission.admit('other', one('vase'));
    assert.equal(other.ok ? undefined : other.reservedBefore, false);
  });

  it('a repeat of the same order is not refused on its own claim', async () => {
    const stock = memoryStock({ kettle: 1 });
    const admission = new StockAdmission({ readStock: stock.readStock });
    const first = await admission.admit('same', one('kettle'));
    const repeat = await admission.admit('same', one('kettle'));
    assert.ok(first.ok && repeat.ok);
    first.release();
    assert.equal(admission.inFlight('kettle'), 1, 'the claim stays while the repeat runs');
    repeat.release();
    assert.equal(admission.inFlight('kettle'), 0);
  });

  it('lets unknown items through (the workflow names them) and fails when the shard cannot be read', async () => {
    const stock = memoryStock({});
    const admission = new StockAdmission({ readStock: stock.readStock });
    const unknown = await admission.admit('o', one('ghost'));
    assert.equal(unknown.ok, true);
    const down = new StockAdmission({
      readStock: async () => {
        throw new Error('connection refused');
      },
    });
    await assert.rejects(down.admit('o', one('x')), /connection refused/);
  });
});
