/** GET /items/:itemId/stock/events: a server-sent events client sees a checkout take stock, and get it back. */
import assert from 'node:assert/strict';
import { stockedItem } from '../support/catalog-fixture.js';
import { api, tokenFor } from '../support/platform.js';
import { usePlatform } from '../support/platform-suite.js';
import { begin, newShopper } from './support.js';

interface StockEvent {
  event: string;
  id: string;
  data: { itemId: string; available: number };
}

/** A minimal SSE reader over fetch: events in arrival order, comments ignored. */
function openStream(url: string) {
  const controller = new AbortController();
  const events: StockEvent[] = [];
  const waiters: (() => void)[] = [];
  const ready = fetch(url, { signal: controller.signal }).then(async (res) => {
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    void (async () => {
      let buffer = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buffer += value;
          let end = buffer.indexOf('\n\n');
          while (end >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const fields = Object.fromEntries(
              block
                .split('\n')
                .filter((l) => !l.startsWith(':'))
                .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]),
            );
            if (fields['data']) {
              events.push({
                event: fields['event'] ?? '',
                id: fields['id'] ?? '',
                data: JSON.parse(fields['data']),
              });
              for (const wake of waiters.splice(0)) wake();
            }
            end = buffer.indexOf('\n\n');
          }
        }
      } catch {
        // aborted
      }
    })();
    return res;
  });
  const next = async (count: number, timeoutMs = 15_000): Promise<StockEvent[]> => {
    const deadline = Date.now() + timeoutMs;
    while (events.length < count) {
      if (Date.now() > deadline) throw new Error(`only ${events.length} events: ${JSON.stringify(events)}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
    return events.slice(0, count);
  };
  return { ready, events, next, close: () => controller.abort() };
}

describe('api: live stock over server-sent events', function () {
  this.timeout(120_000);
  const live = usePlatform({ env: { RESERVATION_TTL_SECONDS: '120' } });

  it('sends the current level, then the reservation, the release and a restock', async () => {
    const itemId = await stockedItem(live.db.repos, { 'wh-east': 5 });
    const stream = openStream(`${live.platform.baseUrl}/items/${itemId}/stock/events`);
    const res = await stream.ready;
    try {
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'text/event-stream');
      assert.equal(res.headers.get('cache-control'), 'no-cache');
      const [first] = await stream.next(1);
      assert.deepEqual(first, { event: 'stock', id: first!.id, data: { itemId, available: 5 } });

      const shopper = await newShopper();
      const { orderId } = await begin(live.platform, shopper, [{ itemId, quantity: 2 }]);
      const afterBegin = await stream.next(2);
      assert.deepEqual(afterBegin[1]!.data, { itemId, available: 3 }, 'the checkout took two units');
      assert.ok(Number(afterBegin[1]!.id) > Number(first!.id), 'ids are the stock version, increasing');

      const cancelled = await api(live.platform, 'POST', '/checkout?op=CANCEL', {
        token: shopper.token,
        body: { orderId },
      });
      assert.equal(cancelled.status, 200);
      assert.deepEqual((await stream.next(3))[2]!.data, { itemId, available: 5 }, 'released');

      const restocked = await api(live.platform, 'POST', '/admin/warehouses/wh-west/stock', {
        token: await tokenFor('ops-sse', 'operator'),
        body: { itemId, quantity: 4 },
      });
      assert.equal(restocked.status, 200);
      assert.deepEqual((await stream.next(4))[3]!.data, { itemId, available: 9 }, 'restocked');
      assert.equal(stream.events.length, 4, 'one event per change, nothing repeated');

      const metrics = await api(live.platform, 'GET', '/metrics');
      assert.match(metrics.body, /^stock_event_subscribers 1$/m);
    } finally {
      stream.close();
    }
    // The server notices the client left and drops the subscription.
    const deadline = Date.now() + 10_000;
    let gauge = '';
    while (Date.now() < deadline) {
      gauge =
        /^stock_event_subscribers (\d+)$/m.exec((await api(live.platform, 'GET', '/metrics')).body)?.[1] ??
        '';
      if (gauge === '0') break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.equal(gauge, '0');
  });
});
