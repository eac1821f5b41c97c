/**
 * Joins of one item's waiting room, batched: at most one join Update per item is in flight from this API
 * process, and the joins that arrive meanwhile go together in the next. A flash sale's thousands of BEGINs
 * then cost the room's workflow a few dozen Updates (and history events) instead of one each, and never
 * pile up more concurrent Updates on it than Temporal lets one workflow hold.
 */
import type { JoinAnswer } from '../../workflows/waiting-room/types.js';

/** Sends one batch: an answer per customer id, in order; undefined when the room has closed. */
export type SendJoins = (itemId: string, customerIds: string[]) => Promise<JoinAnswer[] | undefined>;

interface Pending {
  customerId: string;
  resolve(answer: JoinAnswer | undefined): void;
  reject(error: unknown): void;
}

export interface JoinBatcher {
  /** The customer's ticket, once it is in the room's history; undefined when the room has closed. */
  join(itemId: string, customerId: string): Promise<JoinAnswer | undefined>;
}

export function createJoinBatcher(send: SendJoins, maxBatch: number): JoinBatcher {
  const waiting = new Map<string, Pending[]>();
  const sending = new Set<string>();

  async function flush(itemId: string): Promise<void> {
    const pending = waiting.get(itemId) ?? [];
    const batch = pending.splice(0, maxBatch);
    if (pending.length === 0) waiting.delete(itemId);
    if (batch.length === 0) return;
    sending.add(itemId);
    try {
      const answers = await send(
        itemId,
        batch.map((p) => p.customerId),
      );
      for (const [i, p] of batch.entries()) p.resolve(answers?.[i]);
    } catch (error) {
      for (const p of batch) p.reject(error);
    } finally {
      sending.delete(itemId);
      if (waiting.has(itemId)) void flush(itemId);
    }
  }

  return {
    join(itemId, customerId) {
      return new Promise((resolve, reject) => {
        const pending = waiting.get(itemId);
        if (pending) pending.push({ customerId, resolve, reject });
        else waiting.set(itemId, [{ customerId, resolve, reject }]);
        // Joins arriving in the same turn of the event loop go out together.
        if (!sending.has(itemId) && !pending) setImmediate(() => void flush(itemId));
      });
    },
  };
}
