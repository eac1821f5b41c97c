/**
 * The waiting room's queue, without Temporal: tickets in arrival order, admitted strictly in that order in
 * batches, and dropped once their admission window is over. Deterministic (the caller passes the time and
 * the ticket keys), so the workflow can run it and tests can drive it.
 */
import type { AdmissionBatch, JoinAnswer, QueueState, Ticketholder, TicketStatus } from './types.js';

export const emptyQueue = (): QueueState => ({
  nextSequence: 0,
  admittedThrough: 0,
  tickets: [],
  batches: [],
  credit: 0,
});

export const ticketOf = (holder: Pick<Ticketholder, 'sequence' | 'key'>): string =>
  `${holder.sequence}-${holder.key}`;

export const isTicketKey = (key: unknown): key is string =>
  typeof key === 'string' && /^[0-9a-f]{16}$/.test(key);

/** The sequence and key a ticket string names; undefined when it is not shaped like one. */
export function parseTicket(ticket: string): { sequence: number; key: string } | undefined {
  const match = /^(\d{1,15})-([0-9a-f]{16})$/.exec(ticket);
  if (!match) return undefined;
  return { sequence: Number(match[1]), key: match[2]! };
}

/** When the ticket of `sequence` stops admitting, given the batches; undefined when not admitted. */
export function admittedUntilOf(
  batches: readonly AdmissionBatch[],
  sequence: number,
  windowMs: number,
): number | undefined {
  const batch = batches.find((b) => sequence < b.through);
  return batch && batch.at + windowMs;
}

export class WaitingQueue {
  private readonly byCustomer = new Map<string, Ticketholder>();

  constructor(
    readonly state: QueueState,
    private readonly windowMs: number,
  ) {
    for (const holder of state.tickets) this.byCustomer.set(holder.customerId, holder);
  }

  get waiting(): number {
    return this.state.nextSequence - this.state.admittedThrough;
  }

  /** A new ticket at the back; a customer who holds one already gets it back. */
  join(customerId: string, newKey: () => string): JoinAnswer {
    const held = this.byCustomer.get(customerId);
    if (held) return this.answer(held);
    const holder = { sequence: this.state.nextSequence, key: newKey(), customerId };
    this.state.nextSequence += 1;
    this.state.tickets.push(holder);
    this.byCustomer.set(customerId, holder);
    return this.answer(holder);
  }

  private answer(holder: Ticketholder): JoinAnswer {
    const { sequence } = holder;
    return { ticket: ticketOf(holder), sequence, position: this.positionOf(sequence) };
  }

  positionOf(sequence: number): number {
    return Math.max(0, sequence - this.state.admittedThrough + 1);
  }

  /**
   * Admits the shoppers `admitPerSecond` owes over `elapsedMs`, first come first served. Credit does not
   * pile up beyond one second's worth, so a queue that was empty for a while is not flooded later.
   */
  admit(admitPerSecond: number, elapsedMs: number, now: number): number {
    const credit = Math.min(
      this.state.credit + (admitPerSecond * elapsedMs) / 1000,
      Math.max(1, admitPerSecond),
    );
    const admitted = Math.min(Math.floor(credit), this.waiting);
    this.state.credit = this.waiting > admitted ? credit - admitted : 0;
    if (admitted > 0) {
      this.state.admittedThrough += admitted;
      this.state.batches.push({ through: this.state.admittedThrough, at: now });
    }
    return admitted;
  }

  /** Drops the admitted tickets whose window has ended: their owners can no longer BEGIN with them. */
  dropExpired(now: number): void {
    const { batches } = this.state;
    while (batches.length > 0 && batches[0]!.at + this.windowMs <= now) {
      const { through } = batches.shift()!;
      while (this.state.tickets.length > 0 && this.state.tickets[0]!.sequence < through) {
        this.byCustomer.delete(this.state.tickets.shift()!.customerId);
      }
    }
  }

  /** When the next admitted ticket expires (epoch ms); undefined when none is admitted. */
  nextExpiry(): number | undefined {
    const first = this.state.batches[0];
    return first && first.at + this.windowMs;
  }

  status(ticket: string): TicketStatus {
    const parsed = parseTicket(ticket);
    if (!parsed || parsed.sequence >= this.state.nextSequence) return { status: 'unknown' };
    const holder = findBySequence(this.state.tickets, parsed.sequence);
    if (!holder) {
      return parsed.sequence < this.state.admittedThrough ? { status: 'expired' } : { status: 'unknown' };
    }
    if (holder.key !== parsed.key) return { status: 'unknown' };
    const { customerId, sequence } = holder;
    const admittedUntil = admittedUntilOf(this.state.batches, sequence, this.windowMs);
    if (admittedUntil !== undefined) return { status: 'admitted', customerId, sequence, admittedUntil };
    return { status: 'waiting', customerId, sequence, position: this.positionOf(sequence) };
  }
}

/** Binary search: the tickets are in sequence order. */
function findBySequence(tickets: readonly Ticketholder[], sequence: number): Ticketholder | undefined {
  let low = 0;
  let high = tickets.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const candidate = tickets[middle]!;
    if (candidate.sequence === sequence) return candidate;
    if (candidate.sequence < sequence) low = middle + 1;
    else high = middle - 1;
  }
  return undefined;
}
