/**
 * Admission of BEGINs per item, in this API process: a checkout is let through to its workflow only while
 * the item's units available, less the units of checkouts already let through and not yet answered, cover
 * its quantity. In a flash sale of 100 units to 1,000 shoppers about 100 workflows start, not 1,000, and
 * the others are told the item is short as soon as the admitted checkouts have answered.
 *
 * It never refuses a unit that could be had: a checkout is refused only when no admitted checkout of the
 * item is still running here (so the fresh read is the whole truth), and it waits otherwise, since an
 * admitted checkout may yet fail and give its units back. The workflow's reservation stays the authority:
 * other API processes, and checkouts that waited past `maxWaitMs`, go through to it unchecked.
 */
import type { OrderLine, ShortLine } from '../domain/order-lines.js';

export type Admission = { ok: true; release(): void } | { ok: false; short: ShortLine[] };

interface ItemGate {
  /** Units of admitted checkouts still running. */
  inFlight: number;
  /** Whether `available` was read yet. */
  read: boolean;
  /** Units available at the last read; undefined for an unknown item. */
  available: number | undefined;
  /** A release or another count since the waiters were last woken. */
  changed: boolean;
  /** Waiting checkouts, woken after a fresh read when something changed. */
  waiters: Set<() => void>;
  /** The read under way, if any, and whether another is wanted after it. */
  reading: Promise<void> | undefined;
  stale: boolean;
}

export interface StockAdmissionOptions {
  /** Units of an item available now; undefined for an unknown item (the workflow names those). */
  readAvailable(itemId: string): Promise<number | undefined>;
  /** Longest a checkout waits for admitted ones to answer before going to the workflow anyway. */
  maxWaitMs: number;
}

export class StockAdmission {
  private readonly items = new Map<string, ItemGate>();

  constructor(private readonly options: StockAdmissionOptions) {}

  /** Units held for admitted checkouts of the item in this process (for tests and metrics). */
  inFlight(itemId: string): number {
    return this.items.get(itemId)?.inFlight ?? 0;
  }

  /**
   * Admits the lines (release() once the checkout has answered), or names the short ones. Waits while
   * admitted checkouts of a line's item might still give units back.
   */
  async admit(lines: readonly OrderLine[]): Promise<Admission> {
    // A read begun after this request came: the units of a restock a moment ago count.
    const first = lines.map((line) => [line.itemId, this.gate(line.itemId)] as const);
    try {
      await Promise.all(first.map(([itemId, gate]) => this.refresh(itemId, gate)));
    } catch (error) {
      for (const [itemId, gate] of first) this.forgetIfIdle(itemId, gate);
      throw error;
    }
    let waitedOut = false;
    let wake = () => {};
    const deadline = setTimeout(() => {
      waitedOut = true;
      wake();
    }, this.options.maxWaitMs);
    try {
      for (;;) {
        // An idle gate may have been dropped meanwhile: take the current ones, read if new.
        const gates = lines.map((line) => this.gate(line.itemId));
        const unread = lines.filter((_, i) => !gates[i]!.read);
        if (unread.length > 0) {
          await Promise.all(unread.map((line) => this.refresh(line.itemId, this.gate(line.itemId))));
          continue;
        }
        const verdicts = lines.map((line, i) => verdict(gates[i]!, line.quantity));
        if (verdicts.includes('short')) return this.refuse(lines, gates, verdicts);
        if (waitedOut || verdicts.every((v) => v === 'fits')) return this.claim(lines, gates);
        const undecided = gates.filter((_, i) => verdicts[i] === 'undecided');
        await new Promise<void>((resolve) => {
          wake = resolve;
          for (const gate of undecided) gate.waiters.add(resolve);
        });
        for (const gate of undecided) gate.waiters.delete(wake);
      }
    } finally {
      clearTimeout(deadline);
    }
  }

  private gate(itemId: string): ItemGate {
    let gate = this.items.get(itemId);
    if (!gate) {
      gate = {
        inFlight: 0,
        read: false,
        available: undefined,
        changed: false,
        waiters: new Set(),
        reading: undefined,
        stale: false,
      };
      this.items.set(itemId, gate);
    }
    return gate;
  }

  private refuse(
    lines: readonly OrderLine[],
    gates: ItemGate[],
    verdicts: Verdict[],
  ): Extract<Admission, { ok: false }> {
    lines.forEach((line, i) => {
      this.forgetIfIdle(line.itemId, gates[i]!);
    });
    return {
      ok: false,
      short: lines.flatMap((line, i) =>
        verdicts[i] === 'short'
          ? [{ itemId: line.itemId, requested: line.quantity, available: gates[i]!.available ?? 0 }]
          : [],
      ),
    };
  }

  private claim(lines: readonly OrderLine[], gates: ItemGate[]): Admission {
    gates.forEach((gate, i) => {
      gate.inFlight += lines[i]!.quantity;
    });
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        gates.forEach((gate, i) => {
          const { itemId, quantity } = lines[i]!;
          gate.inFlight -= quantity;
          gate.changed = true;
          if (gate.waiters.size === 0) this.forgetIfIdle(itemId, gate);
          else this.refresh(itemId, gate).catch(() => {});
        });
      },
    };
  }

  /**
   * A fresh read of the item's units, shared by everyone asking meanwhile; wakes the waiters when it
   * changed something. Rejects when the read fails (a shard down): the waiters go on waiting, or
   * through at their deadline.
   */
  private refresh(itemId: string, gate: ItemGate): Promise<void> {
    if (gate.reading) {
      gate.stale = true;
      return gate.reading;
    }
    gate.reading = (async () => {
      try {
        do {
          gate.stale = false;
          const available = await this.options.readAvailable(itemId);
          if (available !== gate.available) gate.changed = true;
          gate.available = available;
          gate.read = true;
        } while (gate.stale);
      } finally {
        gate.reading = undefined;
        // Reads for newcomers that change nothing wake nobody: a thousand waiters stay asleep.
        if (gate.changed) {
          gate.changed = false;
          const woken = [...gate.waiters];
          gate.waiters.clear();
          for (const wakeUp of woken) wakeUp();
        }
      }
    })();
    return gate.reading;
  }

  /** Nothing admitted, nobody waiting, no read: forget the item (a catalog can be large). */
  private forgetIfIdle(itemId: string, gate: ItemGate): void {
    if (gate.inFlight === 0 && gate.waiters.size === 0 && !gate.reading && this.items.get(itemId) === gate) {
      this.items.delete(itemId);
    }
  }
}

/** fits: can be admitted now; short: cannot be had (nothing admitted is running); undecided: wait. */
type Verdict = 'fits' | 'short' | 'undecided';

function verdict(gate: ItemGate, quantity: number): Verdict {
  if (gate.available === undefined) return 'fits';
  if (gate.available - gate.inFlight >= quantity) return 'fits';
  return gate.inFlight === 0 ? 'short' : 'undecided';
}
