/**
 * Admission of BEGINs per item, in this API process. A checkout goes on to its workflow while the item's
 * free units cover its line; otherwise it is refused at once, before any workflow starts.
 *
 * Free units are the item's `available` less the units claimed by checkouts this process has let through
 * and whose reservation the read did not yet see. One statement reads both, so no claim is counted twice.
 * A claim counts as taken while its checkout runs: in a sale of 100 units to 1,000 shoppers, 100 workflows
 * start and 900 shoppers are told the item is short within a read or two. A claim whose checkout fails gives
 * its units back to whoever asks next.
 *
 * The read also asks about the orders being admitted, so a repeat of a keyed BEGIN whose first request
 * reserved is told so without another read.
 *
 * The workflow's reservation stays the authority: checkouts of other API processes are seen only once
 * they reserved, so a checkout let through here may still be refused there; nothing is ever oversold.
 */
import type { OrderLine, ShortLine } from '../domain/order-lines.js';

export type Admission =
  | { ok: true; release(): void }
  | {
      ok: false;
      short: ShortLine[];
      /**
       * The order already has a reservation of one of its items recorded: an earlier request with the same
       * idempotency key got as far as reserving, so its answer, not this refusal, is the order's.
       */
      reservedBefore: boolean;
    };

/** One snapshot of an item's stock row and of its reservation rows for the orders asked about. */
export interface StockClaimsRead {
  available: number;
  /** The orders asked about whose reservation of the item is recorded (held, committed or released). */
  recordedOrderIds: readonly string[];
}

export interface StockAdmissionOptions {
  /** Reads the item's units and which of `orderIds` have a reservation of it; undefined for an unknown item. */
  readStock(itemId: string, orderIds: readonly string[]): Promise<StockClaimsRead | undefined>;
}

interface Claim {
  units: number;
  /** Checkouts of the same order (repeats of one idempotency key) holding this claim. */
  holders: number;
}

interface Snapshot {
  available: number;
  /** Of the claims and askers the read asked about, those with a reservation of the item recorded. */
  recorded: ReadonlySet<string>;
}

interface ItemGate {
  itemId: string;
  /** Admitted checkouts of the item still running here, by order id. */
  claims: Map<string, Claim>;
  /** Orders of the admit() calls under way for the item: the gate is kept while any is. */
  askers: Map<string, number>;
  /** The last read (reads of one item run one after another): undefined before the first, null for an unknown item. */
  last: Snapshot | null | undefined;
  reading: Promise<void> | undefined;
  /** The read that starts once `reading` ends, shared by everyone who came during it. */
  queued: Promise<void> | undefined;
}

type Verdict = { kind: 'fits' } | { kind: 'short'; free: number };

export class StockAdmission {
  private readonly items = new Map<string, ItemGate>();

  constructor(private readonly options: StockAdmissionOptions) {}

  /** Units claimed by admitted checkouts of the item in this process (for tests and metrics). */
  inFlight(itemId: string): number {
    let units = 0;
    for (const claim of this.items.get(itemId)?.claims.values() ?? []) units += claim.units;
    return units;
  }

  /** Admits the order's lines (release() once its checkout has answered), or names the short ones. */
  async admit(orderId: string, lines: readonly OrderLine[]): Promise<Admission> {
    const gates = lines.map((line) => this.gate(line.itemId));
    const used = [...new Set(gates)];
    for (const gate of used) gate.askers.set(orderId, (gate.askers.get(orderId) ?? 0) + 1);
    try {
      // A read begun after this request came: the units of a restock a moment ago count, and it asks
      // about every claim, since each was made by a checkout asking before this read began.
      await Promise.all(used.map((gate) => this.freshRead(gate)));
      const verdicts = lines.map((line, i) => verdict(gates[i]!, orderId, line.quantity));
      if (verdicts.every((v) => v.kind === 'fits')) return this.claim(orderId, lines, gates);
      const reservedBefore = gates.some((gate) => gate.last?.recorded.has(orderId) === true);
      return { ok: false, short: shortLines(lines, verdicts), reservedBefore };
    } finally {
      for (const gate of used) {
        const asking = gate.askers.get(orderId)! - 1;
        if (asking === 0) gate.askers.delete(orderId);
        else gate.askers.set(orderId, asking);
        this.forgetIfIdle(gate);
      }
    }
  }

  private gate(itemId: string): ItemGate {
    let gate = this.items.get(itemId);
    if (!gate) {
      gate = {
        itemId,
        claims: new Map(),
        askers: new Map(),
        last: undefined,
        reading: undefined,
        queued: undefined,
      };
      this.items.set(itemId, gate);
    }
    return gate;
  }

  private claim(orderId: string, lines: readonly OrderLine[], gates: ItemGate[]): Admission {
    gates.forEach((gate, i) => {
      const claim = gate.claims.get(orderId);
      if (claim) claim.holders++;
      else gate.claims.set(orderId, { units: lines[i]!.quantity, holders: 1 });
    });
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        for (const gate of gates) {
          const claim = gate.claims.get(orderId);
          if (claim && --claim.holders === 0) gate.claims.delete(orderId);
          this.forgetIfIdle(gate);
        }
      },
    };
  }

  /** Resolves once a read of the item begun after this call has ended (shared with every caller meanwhile). */
  private freshRead(gate: ItemGate): Promise<void> {
    if (!gate.reading) return this.startRead(gate);
    gate.queued ??= gate.reading
      .catch(() => {})
      .then(() => {
        gate.queued = undefined;
        return this.startRead(gate);
      });
    return gate.queued;
  }

  private startRead(gate: ItemGate): Promise<void> {
    const asked = [...new Set([...gate.claims.keys(), ...gate.askers.keys()])];
    const reading = this.options
      .readStock(gate.itemId, asked)
      .then((read) => {
        gate.last = read ? { available: read.available, recorded: new Set(read.recordedOrderIds) } : null;
      })
      .finally(() => {
        if (gate.reading === reading) gate.reading = undefined;
      });
    gate.reading = reading;
    return reading;
  }

  /** Nothing claimed, nobody admitting: forget the item (a catalog can be large). */
  private forgetIfIdle(gate: ItemGate): void {
    if (gate.claims.size === 0 && gate.askers.size === 0 && this.items.get(gate.itemId) === gate) {
      this.items.delete(gate.itemId);
    }
  }
}

function shortLines(lines: readonly OrderLine[], verdicts: Verdict[]): ShortLine[] {
  return lines.flatMap((line, i) => {
    const v = verdicts[i]!;
    return v.kind === 'short' ? [{ itemId: line.itemId, requested: line.quantity, available: v.free }] : [];
  });
}

/** Whether the item's free units cover the line: `available` less the claims the read found no reservation of. */
function verdict(gate: ItemGate, orderId: string, quantity: number): Verdict {
  const read = gate.last;
  if (!read) return { kind: 'fits' };
  let unseen = 0;
  for (const [claimant, claim] of gate.claims) {
    // A repeat of the same order reaches the same workflow and its first answer: its claim is its own.
    if (claimant !== orderId && !read.recorded.has(claimant)) unseen += claim.units;
  }
  const free = read.available - unseen;
  return free >= quantity ? { kind: 'fits' } : { kind: 'short', free: Math.max(0, free) };
}
