/**
 * The waiting room of a hot item: BEGIN answers 202 with a queue ticket, the ticket's events say when it
 * is admitted (first come, first served) or the room closed, and an admitted ticket opens BEGIN. The
 * flash sale runs WAITING_ROOM_SHOPPERS shoppers (5,000 by default) for 100 units.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { waitForHealthy } from '../../scripts/lib/platform-processes.js';
import { stockedItem } from '../support/catalog-fixture.js';
import { api, type RunningPlatform } from '../support/platform.js';
import { usePlatform } from '../support/platform-suite.js';
import { assertProblem, newShopper, type Shopper } from './support.js';
import { openTicketStream, type TicketEvent } from './ticket-events.js';

const SHOPPERS = Number(process.env['WAITING_ROOM_SHOPPERS'] ?? 5_000);
const UNITS = 100;

interface Queued {
  shopper: Shopper;
  ticket: string;
  position: number;
  eventsUrl: string;
}

const sequenceOf = (ticket: string) => Number(ticket.split('-')[0]);

function beginRequest(
  platform: RunningPlatform,
  shopper: Shopper,
  itemId: string,
  ticket?: string,
  headers: Record<string, string> = {},
) {
  return api(platform, 'POST', '/checkout?op=BEGIN', {
    token: shopper.token,
    body: { cart: [{ itemId, quantity: 1 }] },
    headers: { ...(ticket ? { 'Queue-Ticket': ticket } : {}), ...headers },
  });
}

/**
 * An admitted shopper's BEGIN, sent again when the connection fails (a keep-alive socket the server closed
 * meanwhile): the Idempotency-Key makes a repeat answer the first one, never reserve twice.
 */
async function admittedBegin(platform: RunningPlatform, shopper: Shopper, itemId: string, ticket: string) {
  const headers = { 'Idempotency-Key': `begin-${ticket}` };
  for (let attempt = 1; ; attempt++) {
    try {
      return await beginRequest(platform, shopper, itemId, ticket, headers);
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}

async function queue(platform: RunningPlatform, itemId: string, shopper?: Shopper): Promise<Queued> {
  const who = shopper ?? (await newShopper());
  const res = await beginRequest(platform, who, itemId);
  assert.equal(res.status, 202, JSON.stringify(res.body));
  return { shopper: who, ...res.body };
}

async function markHot(platform: RunningPlatform, operator: string, itemId: string, admitPerSecond?: number) {
  const res = await api(platform, 'POST', `/admin/items/${itemId}/hot`, {
    token: operator,
    body: admitPerSecond === undefined ? {} : { admitPerSecond },
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

/** Runs `task` over `values`, at most `width` at a time. */
async function inParallel<T, R>(
  values: readonly T[],
  width: number,
  task: (value: T, index: number) => Promise<R>,
) {
  const results = new Array<R>(values.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, values.length) }, async () => {
      while (next < values.length) {
        const index = next++;
        results[index] = await task(values[index]!, index);
      }
    }),
  );
  return results;
}

const lastEvent = (events: TicketEvent[]) => events.at(-1);

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function rssMiB(pid: number | undefined): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

describe('api: the waiting room of a hot item', function () {
  this.timeout(300_000);
  const live = usePlatform({ operator: 'ops-waiting-room', env: { WAITING_ROOM_POLL_MS: '250' } });
  afterEach(function () {
    // What the processes said last explains most failures here (a lost Update, a slow worker).
    if (this.currentTest?.state === 'failed') console.log(live.platform.output.slice(-40).join('\n'));
  });

  it('queues BEGIN with a ticket only its owner can follow, and an admitted ticket opens BEGIN', async () => {
    const itemId = await stockedItem(live.db.repos, { 'wh-east': 5 });
    const opened = await markHot(live.platform, live.operator, itemId, 0);
    assert.equal(opened.waiting, 0);
    const first = await queue(live.platform, itemId);
    const second = await queue(live.platform, itemId);
    assert.equal(first.position, 1);
    assert.equal(second.position, 2);
    assert.ok(sequenceOf(first.ticket) < sequenceOf(second.ticket));
    assert.equal(new URL(first.eventsUrl).origin, live.platform.baseUrl);
    const again = await queue(live.platform, itemId, first.shopper);
    assert.equal(again.ticket, first.ticket, 'a shopper who BEGINs again keeps their place');

    // Someone else's ticket: not theirs to follow, nor to BEGIN with.
    const stranger = await newShopper();
    assert.equal((await openTicketStream(first.eventsUrl, stranger.token)).status, 404);
    const foreign = await beginRequest(live.platform, stranger, itemId, first.ticket);
    assertProblem(foreign, 403, '/problems/queue-ticket-foreign');
    const madeUp = await beginRequest(live.platform, first.shopper, itemId, '999999-0123456789abcdef');
    assertProblem(madeUp, 403, '/problems/queue-ticket-foreign');
    // A shopper cannot move up the queue by editing the number of their ticket.
    const edited = `${sequenceOf(first.ticket)}-${second.ticket.split('-')[1]}`;
    assertProblem(
      await beginRequest(live.platform, second.shopper, itemId, edited),
      403,
      '/problems/queue-ticket-foreign',
    );
    assert.equal(
      (
        await openTicketStream(
          new URL(second.eventsUrl.replace(second.ticket, edited)).href,
          second.shopper.token,
        )
      ).status,
      404,
    );
    const early = await beginRequest(live.platform, first.shopper, itemId, first.ticket);
    assertProblem(early, 409, '/problems/queue-ticket-waiting');
    const malformed = await beginRequest(live.platform, first.shopper, itemId, 'not-a-ticket');
    assertProblem(malformed, 400, '/problems/validation');

    const stream = await openTicketStream(first.eventsUrl, first.shopper.token);
    assert.equal(stream.status, 200);
    await markHot(live.platform, live.operator, itemId, 1);
    const events = await stream.ended;
    assert.deepEqual(events[0], { event: 'position', data: { position: 1, estimatedWaitSeconds: null } });
    const admitted = lastEvent(events);
    assert.equal(admitted?.event, 'admitted', JSON.stringify(events));
    assert.equal(admitted.data.ticket, first.ticket);
    assert.ok(Date.parse(admitted.data.admittedUntil) > Date.now());

    const reserved = await beginRequest(live.platform, first.shopper, itemId, first.ticket);
    assert.equal(reserved.status, 201, JSON.stringify(reserved.body));
    // The ticket opens BEGIN for its owner alone, admitted or not.
    assertProblem(
      await beginRequest(live.platform, stranger, itemId, first.ticket),
      403,
      '/problems/queue-ticket-foreign',
    );
  });

  it('ends the room on DELETE: waiting shoppers are told, and BEGIN goes straight through again', async () => {
    const itemId = await stockedItem(live.db.repos, { 'wh-east': 5 });
    await markHot(live.platform, live.operator, itemId, 0);
    const waiting = await queue(live.platform, itemId);
    const stream = await openTicketStream(waiting.eventsUrl, waiting.shopper.token);
    const ended = await api(live.platform, 'DELETE', `/admin/items/${itemId}/hot`, { token: live.operator });
    assert.equal(ended.status, 200, JSON.stringify(ended.body));
    assert.equal(ended.body.closed, 'ended');
    assert.equal(ended.body.waiting, 1);
    const events = await stream.ended;
    assert.deepEqual(lastEvent(events), { event: 'closed', data: { reason: 'ended' } });
    const direct = await beginRequest(live.platform, waiting.shopper, itemId);
    assert.equal(direct.status, 201, JSON.stringify(direct.body));
    const again = await api(live.platform, 'DELETE', `/admin/items/${itemId}/hot`, { token: live.operator });
    assertProblem(again, 404, '/problems/not-found');
    // A room opened again starts a new queue: a ticket of the last one is unknown to it.
    await markHot(live.platform, live.operator, itemId, 0);
    const stale = await beginRequest(live.platform, waiting.shopper, itemId, waiting.ticket);
    assertProblem(stale, 422, '/problems/queue-ticket-unknown');
    await api(live.platform, 'DELETE', `/admin/items/${itemId}/hot`, { token: live.operator });
    const shopper = await newShopper();
    assertProblem(
      await api(live.platform, 'DELETE', `/admin/items/${itemId}/hot`, { token: shopper.token }),
      403,
      '/problems/forbidden',
    );
  });

  it('keeps the queue and goes on admitting across a restart of the order worker and of the API', async () => {
    const itemId = await stockedItem(live.db.repos, { 'wh-east': 50 });
    await markHot(live.platform, live.operator, itemId, 0);
    const queued = await inParallel(Array.from({ length: 6 }), 3, () => queue(live.platform, itemId));
    // Admission under way: the first ticket is in, the others wait.
    await markHot(live.platform, live.operator, itemId, 1);
    const head = queued.reduce((a, b) => (sequenceOf(a.ticket) < sequenceOf(b.ticket) ? a : b));
    const headStream = await openTicketStream(head.eventsUrl, head.shopper.token);
    assert.equal(lastEvent(await headStream.ended)?.event, 'admitted');

    const worker = live.platform.processes.get('order-worker')!;
    const apiProcess = live.platform.processes.get('api')!;
    await worker.crash();
    worker.start();
    await apiProcess.crash();
    apiProcess.start();
    await waitForHealthy(live.platform.baseUrl, 60_000);

    const outcomes = await Promise.all(
      queued.map(async ({ shopper, eventsUrl }) => {
        const stream = await openTicketStream(eventsUrl, shopper.token);
        assert.equal(stream.status, 200);
        return lastEvent(await stream.ended);
      }),
    );
    assert.deepEqual(
      outcomes.map((o) => o?.event),
      queued.map(() => 'admitted'),
    );
    const until = outcomes.map((o) => Date.parse(o?.data.admittedUntil));
    const bySequence = queued.map((q, i) => ({ sequence: sequenceOf(q.ticket), until: until[i]! }));
    bySequence.sort((a, b) => a.sequence - b.sequence);
    assert.ok(
      bySequence.every((x, i) => i === 0 || x.until >= bySequence[i - 1]!.until),
      'admitted in ticket order',
    );
    const begun = await beginRequest(live.platform, head.shopper, itemId, head.ticket);
    assert.equal(begun.status, 201, JSON.stringify(begun.body));
  });

  it(`lets ${SHOPPERS} shoppers through for ${UNITS} units: first come first served, ${UNITS} reserved, everyone told`, async () => {
    const itemId = await stockedItem(live.db.repos, { 'wh-east': UNITS });
    await markHot(live.platform, live.operator, itemId, 0);
    const shoppers = await inParallel(Array.from({ length: SHOPPERS }), 50, () => newShopper());

    const joinLatencies: number[] = [];
    const queuedStarted = Date.now();
    const queued = await inParallel(shoppers, 64, async (shopper) => {
      const started = performance.now();
      const ticket = await queue(live.platform, itemId, shopper);
      joinLatencies.push(performance.now() - started);
      return ticket;
    });
    const queuedMs = Date.now() - queuedStarted;
    const sequences = queued.map((q) => sequenceOf(q.ticket));
    assert.equal(new Set(sequences).size, SHOPPERS, 'one ticket each');
    assert.deepEqual(
      queued.map((q) => q.position).sort((a, b) => a - b),
      Array.from({ length: SHOPPERS }, (_, i) => i + 1),
      'positions 1…N',
    );

    // Every shopper follows their ticket and BEGINs the moment it is admitted.
    const begins: { sequence: number; status: number; error?: string }[] = [];
    const streams = await inParallel(queued, 100, async (q) => {
      const stream = await openTicketStream(q.eventsUrl, q.shopper.token, (event) => {
        if (event.event !== 'admitted') return;
        void admittedBegin(live.platform, q.shopper, itemId, q.ticket).then(
          (res) => begins.push({ sequence: sequenceOf(q.ticket), status: res.status }),
          (error: unknown) =>
            begins.push({ sequence: sequenceOf(q.ticket), status: 0, error: String(error) }),
        );
      });
      assert.equal(stream.status, 200);
      return stream;
    });
    const rssBefore = rssMiB(live.platform.processes.get('api')!.pid);
    const admitStarted = Date.now();
    await markHot(live.platform, live.operator, itemId, 200);
    const outcomes = await Promise.all(streams.map((s) => s.ended.then(lastEvent)));
    const admitMs = Date.now() - admitStarted;
    const rssAfter = rssMiB(live.platform.processes.get('api')!.pid);
    const admittedCount = outcomes.filter((o) => o?.event === 'admitted').length;
    const beginsDeadline = Date.now() + 60_000;
    while (begins.length < admittedCount && Date.now() < beginsDeadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(begins.length, admittedCount, 'every admitted shopper got an answer to BEGIN');

    const told = outcomes.map((o) => o?.event);
    assert.deepEqual(
      told.filter((e) => e !== 'admitted' && e !== 'closed'),
      [],
      'every shopper told admitted or closed',
    );
    for (const o of outcomes.filter((x) => x?.event === 'closed')) assert.equal(o?.data.reason, 'sold-out');
    // First come, first served: the admitted are the first tickets, admitted in ticket order.
    const admitted = queued
      .map((q, i) => ({ sequence: sequenceOf(q.ticket), outcome: outcomes[i]! }))
      .sort((a, b) => a.sequence - b.sequence);
    const firstClosed = admitted.findIndex((a) => a.outcome.event !== 'admitted');
    const prefix = firstClosed < 0 ? admitted.length : firstClosed;
    assert.equal(admittedCount, prefix, 'admitted tickets are a prefix of the ticket order');
    const until = admitted.slice(0, prefix).map((a) => Date.parse(a.outcome.data.admittedUntil));
    assert.ok(
      until.every((u, i) => i === 0 || u >= until[i - 1]!),
      'admission order follows ticket order',
    );
    const statuses = begins.map((b) => b.status);
    assert.equal(statuses.filter((s) => s === 201).length, UNITS, `${UNITS} reserved`);
    assert.deepEqual(
      begins.filter((b) => b.status !== 201 && b.status !== 409),
      [],
      'every other admitted BEGIN is out of stock',
    );
    const stock = await live.db.repos.stock.getStock(itemId);
    assert.equal(stock?.available, 0);

    const latencies = [...joinLatencies].sort((a, b) => a - b);
    const p99 = percentile(latencies, 99);
    console.log(
      `      ${SHOPPERS} shoppers queued in ${queuedMs} ms (BEGIN 202 p50 ${percentile(latencies, 50).toFixed(0)} ms, ` +
        `p99 ${p99.toFixed(0)} ms); ${admittedCount} admitted, ${SHOPPERS - admittedCount} told sold-out ` +
        `${admitMs} ms after admission began; API RSS ${rssBefore.toFixed(0)} MiB with every stream open, ` +
        `${rssAfter.toFixed(0)} MiB after`,
    );
    assert.ok(p99 < 5_000, `BEGIN 202 p99 ${p99} ms`);
    assert.ok(Math.max(rssBefore, rssAfter) < 1_024, `API RSS ${rssBefore} and ${rssAfter} MiB`);
  });
});
