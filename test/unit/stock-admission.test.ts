/**
 * The BEGIN admission (api/stock-admission.ts) against an in-memory stock: admitted checkouts take units
 * (or fail and take none), and the admission must let through no more than the units while any could be
 * had, and refuse nobody while a unit may still come back.
 */
import assert from 'node:assert/strict';
import { type Admission, StockAdmission } from '../../api/stock-admission.js';
import { seededRandom } from '../../db/seeded-random.js';

/** An item shard's `available` counters, read asynchronously like a database. */
function memoryStock(levels: Record<string, number>) {
  const available = new Map(Object.entries(levels));
  let reads = 0;
  return {
    available,
    reads: () => reads,
    readAvailable: async (itemId: string) => {
      reads++;
      await new Promise((resolve) => setImmediate(resolve));
      return available.get(itemId);
    },
  };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('BEGIN admission per item', () => {
  it('a flash sale of 30 shoppers for 10 units: 10 admitted at once, the others refused once they reserved', async () => {
    const stock = memoryStock({ hot: 10 });
    const admission = new StockAdmission({ readAvailable: stock.readAvailable, maxWaitMs: 60_000 });
    const settled: Admission[] = [];
    const pending = Array.from({ length: 30 }, () =>
      admission.admit([{ itemId: 'hot', quantity: 1 }]).then((a) => {
        settled.push(a);
        return a;
      }),
    );
    while (settled.length < 10) await tick();
    await tick();
    assert.equal(settled.length, 10, 'only the units available are let through while those run');
    assert.ok(settled.every((a) => a.ok));
    assert.equal(admission.inFlight('hot'), 10);
    // Each admitted checkout reserves its unit, then answers.
    for (const admitted of settled.slice()) {
      stock.available.set('hot', stock.available.get('hot')! - 1);
      if (admitted.ok) admitted.release();
    }
    const all = await Promise.all(pending);
    const refused = all.filter((a) => !a.ok);
    assert.equal(refused.length, 20);
    for (const r of refused) {
      assert.deepEqual(r.ok ? undefined : r.short, [{ itemId: 'hot', requested: 1, available: 0 }]);
    }
    assert.equal(admission.inFlight('hot'), 0);
    assert.ok(stock.reads() < 60, `reads are shared, not one per waiter per change (${stock.reads()})`);
  });

  it('units an admitted checkout gives back (it failed) go to a waiting one', async () => {
    const stock = memoryStock({ lamp: 2 });
    const admission = new StockAdmission({ readAvailable: stock.readAvailable, maxWaitMs: 60_000 });
    const [a, b] = await Promise.all([
      admission.admit([{ itemId: 'lamp', quantity: 1 }]),
      admission.admit([{ itemId: 'lamp', quantity: 1 }]),
    ]);
    assert.ok(a?.ok && b?.ok);
    const outcome: { third?: Admission } = {};
    const waiting = admission.admit([{ itemId: 'lamp', quantity: 1 }]).then((r) => {
      outcome.third = r;
    });
    await tick();
    assert.equal(outcome.third, undefined, 'waits while two checkouts hold both units');
    stock.available.set('lamp', 1);
    a.release(); // reserved its unit
    await tick();
    assert.equal(outcome.third, undefined, 'still waits: the other may fail');
    b.release(); // failed: its unit is still available
    await waiting;
    assert.equal((outcome.third as Admission | undefined)?.ok, true);
  });

  it('never refuses while a unit remains, whatever fails (200 shoppers, 40 units, a third of checkouts fail)', async () => {
    const stock = memoryStock({ drum: 40 });
    const admission = new StockAdmission({ readAvailable: stock.readAvailable, maxWaitMs: 60_000 });
    let reserved = 0;
    let failed = 0;
    let refused = 0;
    const random = seededRandom(7);
    await Promise.all(
      Array.from({ length: 200 }, async () => {
        const admitted = await admission.admit([{ itemId: 'drum', quantity: 1 }]);
        if (!admitted.ok) {
          refused++;
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, random() * 10));
        // The workflow is the authority: a reservation needs a unit.
        if (random() < 1 / 3 || stock.available.get('drum')! < 1) failed++;
        else {
          stock.available.set('drum', stock.available.get('drum')! - 1);
          reserved++;
        }
        admitted.release();
      }),
    );
    assert.equal(reserved + failed + refused, 200);
    assert.equal(reserved, 40, 'every unit sold');
    assert.equal(stock.available.get('drum'), 0);
    assert.ok(refused > 0);
  });

  it('a checkout that waited past the limit goes through to its workflow', async () => {
    const stock = memoryStock({ kettle: 1 });
    const admission = new StockAdmission({ readAvailable: stock.readAvailable, maxWaitMs: 50 });
    const first = await admission.admit([{ itemId: 'kettle', quantity: 1 }]);
    assert.ok(first.ok);
    const started = Date.now();
    const second = await admission.admit([{ itemId: 'kettle', quantity: 1 }]);
    assert.equal(second.ok, true);
    assert.ok(Date.now() - started >= 45, 'it waited first');
  });

  it('names only the short lines of a multi-line checkout and holds nothing for it', async () => {
    const stock = memoryStock({ desk: 5, chair: 1 });
    const admission = new StockAdmission({ readAvailable: stock.readAvailable, maxWaitMs: 60_000 });
    const result = await admission.admit([
      { itemId: 'desk', quantity: 2 },
      { itemId: 'chair', quantity: 3 },
    ]);
    assert.deepEqual(result, { ok: false, short: [{ itemId: 'chair', requested: 3, available: 1 }] });
    assert.equal(admission.inFlight('desk'), 0);
  });

  it('lets unknown items through (the workflow names them) and fails when the shard cannot be read', async () => {
    const stock = memoryStock({});
    const admission = new StockAdmission({ readAvailable: stock.readAvailable, maxWaitMs: 60_000 });
    const unknown = await admission.admit([{ itemId: 'ghost', quantity: 1 }]);
    assert.equal(unknown.ok, true);
    const down = new StockAdmission({
      readAvailable: async () => {
        throw new Error('connection refused');
      },
      maxWaitMs: 60_000,
    });
    await assert.rejects(down.admit([{ itemId: 'x', quantity: 1 }]), /connection refused/);
  });
});
