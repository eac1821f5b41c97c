/** The waiting room's queue: tickets in arrival order, admitted in that order at the rate, then expired. */
import assert from 'node:assert/strict';
import { emptyQueue, parseTicket, WaitingQueue } from '../../workflows/waiting-room/queue.js';

const WINDOW_MS = 60_000;
let keys = 0;
const newKey = () => (keys++).toString(16).padStart(16, '0');

function queueOf(customers: number): WaitingQueue {
  const queue = new WaitingQueue(emptyQueue(), WINDOW_MS);
  for (let i = 0; i < customers; i++) queue.join(`c-${i}`, newKey);
  return queue;
}

describe('waiting room queue', () => {
  it('numbers tickets in arrival order, and gives a shopper who joins again their ticket back', () => {
    const queue = queueOf(3);
    const again = queue.join('c-1', newKey);
    assert.equal(again.sequence, 1);
    assert.equal(again.position, 2);
    assert.equal(queue.waiting, 3);
    assert.deepEqual(parseTicket(again.ticket)?.sequence, 1);
  });

  it('admits first come first served at the rate, carrying fractions between ticks', () => {
    const queue = queueOf(10);
    assert.equal(queue.admit(3, 500, 1_000), 1);
    assert.equal(queue.admit(3, 500, 1_500), 2);
    assert.equal(queue.state.admittedThrough, 3);
    const first = queue.join('c-0', newKey);
    assert.equal(queue.status(first.ticket).status, 'admitted');
    const fourth = queue.join('c-3', newKey);
    assert.deepEqual(queue.status(fourth.ticket), {
      status: 'waiting',
      customerId: 'c-3',
      sequence: 3,
      position: 1,
    });
  });

  it('never admits more than are waiting, nor a pile of credit saved while idle', () => {
    const queue = queueOf(2);
    assert.equal(queue.admit(100, 60_000, 0), 2);
    for (let i = 0; i < 5; i++) queue.join(`late-${i}`, newKey);
    assert.equal(queue.admit(1, 60_000, 1), 1);
  });

  it('drops admitted tickets when their window ends; their tickets read expired, forged ones unknown', () => {
    const queue = queueOf(3);
    const first = queue.join('c-0', newKey);
    queue.admit(1, 1_000, 0);
    assert.equal(queue.nextExpiry(), WINDOW_MS);
    queue.dropExpired(WINDOW_MS);
    assert.deepEqual(queue.status(first.ticket), { status: 'expired' });
    assert.notEqual(queue.join('c-0', newKey).ticket, first.ticket, 'a new ticket after expiry');
    const second = queue.join('c-1', newKey);
    assert.deepEqual(queue.status(`${second.sequence}-ffffffffffffffff`), { status: 'unknown' });
    assert.deepEqual(queue.status('99-0000000000000000'), { status: 'unknown' });
    assert.deepEqual(queue.status('garbage'), { status: 'unknown' });
  });

  it('survives a round trip through JSON, as continueAsNew carries it', () => {
    const queue = queueOf(4);
    queue.admit(2, 1_000, 5);
    const copy = new WaitingQueue(JSON.parse(JSON.stringify(queue.state)), WINDOW_MS);
    assert.equal(copy.join('c-3', newKey).position, 2);
    assert.equal(copy.waiting, 2);
  });
});
