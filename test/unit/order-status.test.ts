/** The order lifecycle graph: which earlier statuses a re-run step may ask for and find done. */
import assert from 'node:assert/strict';
import { alreadyPast, ORDER_STATUSES, ORDER_TRANSITIONS } from '../../domain/order-status.js';

describe('order statuses: alreadyPast', () => {
  it('holds for every status reachable from the asked one, and only those', () => {
    assert.equal(alreadyPast('PENDING', 'PAYING'), true);
    assert.equal(alreadyPast('DELIVERED', 'PAYING'), true);
    assert.equal(alreadyPast('CANCELLED', 'PENDING'), true);
    assert.equal(alreadyPast('PAYING', 'PENDING'), false, 'not yet there');
    assert.equal(alreadyPast('PAYMENT_FAILED', 'PENDING'), false, 'another branch');
    assert.equal(alreadyPast('PAYING', 'PAYING'), false, 'the same status is a repeat, not past');
  });

  it('never holds both ways (the graph has no cycle)', () => {
    for (const a of ORDER_STATUSES) {
      for (const b of ORDER_STATUSES) {
        assert.ok(!(alreadyPast(a, b) && alreadyPast(b, a)), `${a} and ${b}`);
      }
      for (const next of ORDER_TRANSITIONS[a]) assert.ok(alreadyPast(next, a), `${next} is past ${a}`);
    }
  });
});
