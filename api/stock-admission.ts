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
 * The workflow's reservation stays the authority: other API processes, and checkouts admitted on a read
 * that was already stale, go through to it, and it refuses what is not there.
 */
import type { OrderLine, ShortLine } from '../domain/order-lines.js';

export type Admission = { ok: true; release(): void } | { ok: false; short: ShortLine[] };

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
  recorded: ReadonlySet<string>;
  /** The claims the read asked about: any other may already be counted in `available`. */
  asked: ReadonlySet<string>;
}

interface ItemGate {
  itemId: string;
  /** Admitted checkouts of the item still running here, by order id. */
  claims: Map<string, Claim>;
  /** admit() calls under way for the item: the gate is kept while any is. */
  users: number;
  /** The last read: undefined before the first, null for an unknown item. */
  last: Snapshot | null | undefined;
  reading: Promise<void> | undefined;
  /** The read that starts once `reading` ends, shared by everyone who came during it. */
  queued: Promise<void> | undefined;
}

/** Reads one checkout may wait for before it goes to its workflow unchecked. */
const MAX_READS_PER_CHECKOUT = 4;

type Verdict = { kind: 'fits' } | { kind: 'short'; free: number } | { kind: 'unsure' };

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
    for (const gate of used) gate.users++;
    try {
      // A read begun after this request came: the units of a restock a moment ago count.
      let toRead = used;
      for (let reads = 1; ; reads++) {
        await Promise.all(toRead.map((gate) => this.freshRead(gate)));
        const verdicts = lines.map((line, i) => verdict(gates[i]!, orderId, line.quantity));
        if (verdicts.some((v) => v.kind === 'short')) return refusal(lines, verdicts);
        if (reads >= MAX_READS_PER_CHECKOUT || verdicts.every((v) => v.kind === 'fits')) {
          return this.claim(orderId, lines, gates);
        }
        toRead = [...new Set(gates.filter((_, i) => verdicts[i]!.kind === 'unsure'))];
      }
    } finally {
      for (const gate of used) {
        gate.users--;
        this.forgetIfIdle(gate);
      }
    }
  }

  private gate(itemId: string): ItemGate {
    let gate = this.items.get(itemId);
    if (!gate) {
      gate = { itemId, claims: new Map(), users: 0, last: undefined, reading: undefined, queued: undefined };
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
    const asked = new Set(gate.claims.keys());
    const reading = this.options
      .readStock(gate.itemId, [...asked])
      .then((read) => {
        gate.last = read
          ? { available: read.available, recorded: new Set(read.recordedOrderIds), asked }
          : null;
      })
      .finally(() => {
        if (gate.reading === reading) gate.reading = undefined;
      });
    gate.reading = reading;
    return reading;
  }

  /** Nothing claimed, nobody admitting: forget the item (a catalog can be large). */
  private forgetIfIdle(gate: ItemGate): void {
    if (gate.claims.size === 0 && gate.users === 0 && this.items.get(gate.itemId) === gate) {
      this.items.delete(gate.itemId);
    }
  }
}

function refusal(lines: readonly OrderLine[], verdicts: Verdict[]): Extract<Admission, { ok: false }> {
  return {
    ok: false,
    short: lines.flatMap((line, i) => {
      const v = verdicts[i]!;
      return v.kind === 'short' ? [{ itemId: line.itemId, requested: line.quantity, available: v.free }] : [];
    }),
  };
}

/**
 * fits: free units cover the line; short: they do not, on a read that asked about every claim;
 * unsure: they do not, but a claim admitted after the read began may already be in its `available`.
 */
function verdict(gate: ItemGate, orderId: string, quantity: number): Verdict {
  const read = gate.last;
  if (read === undefined) return { kind: 'unsure' };
  if (read === null) return { kind: 'fits' };
  let unseen = 0;
  let askedAboutAll = true;
  for (const [claimant, claim] of gate.claims) {
    // A repeat of the same order reaches the same workflow and its first answer: its claim is its own.
    if (claimant === orderId || read.recorded.has(claimant)) continue;
    unseen += claim.units;
    if (!read.asked.has(claimant)) askedAboutAll = false;
  }
  const free = read.available - unseen;
  if (free >= quantity) return { kind: 'fits' };
  return askedAboutAll ? { kind: 'short', free: Math.max(0, free) } : { kind: 'unsure' };
}
