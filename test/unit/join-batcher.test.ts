/** Joins of one room go out one batch at a time; those arriving meanwhile go together in the next. */
import assert from 'node:assert/strict';
import { createJoinBatcher } from '../../api/waiting-room/join-batcher.js';
import type { JoinAnswer } from '../../workflows/waiting-room/types.js';

const answer = (customerId: string, sequence: number): JoinAnswer => ({
  ticket: `${sequence}-${customerId}`,
  sequence,
  position: sequence + 1,
});

describe('waiting room join batcher', () => {
  it('sends the joins of one turn together, and the joins that arrive during a send in the next', async () => {
    const sent: string[][] = [];
    let release: () => void = () => {};
    let sequence = 0;
    const batcher = createJoinBatcher(async (_itemId, customerIds) => {
      sent.push(customerIds);
      if (sent.length === 1) await new Promise<void>((resolve) => (release = resolve));
      return customerIds.map((id) => answer(id, sequence++));
    }, 100);
    const first = ['a', 'b', 'c'].map((id) => batcher.join('item-1', id));
    await new Promise((resolve) => setImmediate(resolve));
    const second = ['d', 'e'].map((id) => batcher.join('item-1', id));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(sent, [['a', 'b', 'c']], 'one Update in flight at a time');
    release();
    const answers = await Promise.all([...first, ...second]);
    assert.deepEqual(sent, [
      ['a', 'b', 'c'],
      ['d', 'e'],
    ]);
    assert.deepEqual(
      answers.map((a) => a?.sequence),
      [0, 1, 2, 3, 4],
    );
  });

  it('keeps batches within the limit, and rooms apart', async () => {
    const sent: { itemId: string; size: number }[] = [];
    const batcher = createJoinBatcher(async (itemId, customerIds) => {
      sent.push({ itemId, size: customerIds.length });
      return customerIds.map((id, i) => answer(id, i));
    }, 2);
    await Promise.all([
      ...['a', 'b', 'c', 'd', 'e'].map((id) => batcher.join('item-1', id)),
      batcher.join('item-2', 'z'),
    ]);
    assert.deepEqual(
      sent.filter((s) => s.itemId === 'item-1').map((s) => s.size),
      [2, 2, 1],
    );
    assert.deepEqual(
      sent.filter((s) => s.itemId === 'item-2').map((s) => s.size),
      [1],
    );
  });

  it('hands every join of a failed batch the error, and a closed room undefined', async () => {
    let calls = 0;
    const batcher = createJoinBatcher(async () => {
      calls += 1;
      if (calls === 1) throw new Error('temporal down');
      return undefined;
    }, 10);
    await assert.rejects(
      Promise.all([batcher.join('item-1', 'a'), batcher.join('item-1', 'b')]),
      /temporal down/,
    );
    assert.equal(await batcher.join('item-1', 'c'), undefined);
  });
});
