/**
 * Operations: request ids on responses and log lines, Prometheus metrics for traffic and checkout
 * outcomes, and logs that never carry a token, a card number or an address.
 */
import assert from 'node:assert/strict';
import { stockedItem } from '../support/catalog-fixture.js';
import { api } from '../support/platform.js';
import { usePlatform } from '../support/platform-suite.js';
import { ADDRESS, begin, CARD_DECLINED, CARD_OK, newShopper, pay } from './support.js';

function metric(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('api: request ids, metrics and logs', function () {
  this.timeout(120_000);
  const live = usePlatform({ env: { RESERVATION_TTL_SECONDS: '120', LOG_LEVEL: 'info' } });

  it('echoes a sane X-Request-Id, makes one otherwise, and puts it on problems and log lines', async () => {
    const given = await api(live.platform, 'GET', '/items/no-such-item', {
      headers: { 'X-Request-Id': 'trace-42.a' },
    });
    assert.equal(given.status, 404);
    assert.equal(given.headers.get('x-request-id'), 'trace-42.a');
    assert.equal(given.body.requestId, 'trace-42.a');
    const made = await api(live.platform, 'GET', '/health', {
      headers: { 'X-Request-Id': 'no spaces allowed' },
    });
    assert.match(made.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);

    const lines = live.platform.output
      .filter((l) => l.startsWith('[api] {'))
      .map((l) => JSON.parse(l.slice(6)));
    const line = lines.find((l) => l.requestId === 'trace-42.a');
    assert.deepEqual(
      { ...line, time: undefined, durationMs: undefined },
      {
        time: undefined,
        level: 'info',
        service: 'api',
        message: 'request',
        requestId: 'trace-42.a',
        method: 'GET',
        path: '/items/no-such-item',
        route: '/items/:itemId',
        status: 404,
        durationMs: undefined,
      },
    );
  });

  it('counts requests by route and status, latency, and checkout outcomes', async () => {
    const before = (await api(live.platform, 'GET', '/metrics')).body as string;
    const itemId = await stockedItem(live.db.repos, { 'wh-east': 5 });
    const placed = await newShopper();
    const declined = await newShopper();
    const ok = await begin(live.platform, placed, [{ itemId, quantity: 1 }]);
    await pay(live.platform, placed, ok.paymentUrl, CARD_OK);
    const no = await begin(live.platform, declined, [{ itemId, quantity: 1 }]);
    await pay(live.platform, declined, no.paymentUrl, CARD_DECLINED);
    for (const [shopper, orderId, status] of [
      [placed, ok.orderId, 200],
      [declined, no.orderId, 402],
    ] as const) {
      const res = await api(live.platform, 'POST', '/checkout?op=SUBMIT', {
        token: shopper.token,
        body: { orderId },
      });
      assert.equal(res.status, status);
    }
    await api(live.platform, 'GET', '/no/such/route');

    const after = (await api(live.platform, 'GET', '/metrics')).body as string;
    const delta = (series: string) => (metric(after, series) ?? 0) - (metric(before, series) ?? 0);
    assert.equal(delta('http_requests_total{method="POST",route="/checkout",op="BEGIN",status="201"}'), 2);
    assert.equal(delta('http_requests_total{method="POST",route="/checkout",op="SUBMIT",status="200"}'), 1);
    assert.equal(delta('http_requests_total{method="POST",route="/checkout",op="SUBMIT",status="402"}'), 1);
    assert.equal(
      delta('http_requests_total{method="POST",route="/checkout/:orderId/payment",op="",status="202"}'),
      2,
    );
    assert.equal(delta('http_requests_total{method="GET",route="unmatched",op="",status="404"}'), 1);
    assert.equal(
      delta('http_request_duration_seconds_count{method="POST",route="/checkout",op="BEGIN",status="201"}'),
      2,
    );
    assert.equal(
      delta(
        'http_request_duration_seconds_bucket{method="POST",route="/checkout",op="BEGIN",status="201",le="+Inf"}',
      ),
      2,
    );
    assert.equal(delta('order_outcomes_total{op="BEGIN",outcome="RESERVED"}'), 2);
    assert.equal(delta('order_outcomes_total{op="SUBMIT",outcome="PENDING"}'), 1);
    assert.equal(delta('order_outcomes_total{op="SUBMIT",outcome="PAYMENT_FAILED"}'), 1);

    // Whatever the API logged through all this, no secret and no personal data is in it.
    const logs = live.platform.output.filter((l) => l.startsWith('[api]')).join('\n');
    assert.ok(logs.includes('"route":"/checkout/:orderId/payment"'), 'the payment requests were logged');
    for (const secret of [
      placed.token,
      declined.token,
      CARD_OK.cardNumber,
      CARD_DECLINED.cardNumber,
      ADDRESS.line1,
      ADDRESS.name,
      ADDRESS.postalCode,
    ]) {
      assert.ok(!logs.includes(secret), `the logs contain ${secret}`);
    }
  });
});
