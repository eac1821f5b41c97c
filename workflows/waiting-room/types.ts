/** Shapes that cross the waiting room workflow's boundary: its input, messages and views. */

export interface WaitingRoomInput {
  itemId: string;
  /** Shoppers admitted per second; 0 holds everyone (an operator pausing admission). */
  admitPerSecond: number;
  /** How long an admitted ticket lets its owner BEGIN. */
  admissionWindowSeconds: number;
  /** Continue as new past this many history events, if Temporal has not suggested it before. */
  continueAsNewAfterEvents?: number;
  /** The queue carried over by continueAsNew; absent on the first run. */
  queue?: QueueState;
}

export interface Ticketholder {
  sequence: number;
  /** The ticket's part the API signs to the shopper: a ticket cannot be made up from its sequence. */
  key: string;
  customerId: string;
}

/** Tickets with a sequence below `through` were admitted at `at` (epoch ms, workflow time). */
export interface AdmissionBatch {
  through: number;
  at: number;
}

export interface QueueState {
  nextSequence: number;
  admittedThrough: number;
  /** Waiting tickets, and admitted ones until their window ends, in sequence order. */
  tickets: Ticketholder[];
  /** Admission batches whose window has not ended yet. */
  batches: AdmissionBatch[];
  /** Fractional admissions owed by the rate, carried between ticks. */
  credit: number;
}

export type CloseReason = 'sold-out' | 'ended';

/** What every SSE connection of the item is fed from: a ticket's position follows from its sequence. */
export interface RoomView {
  itemId: string;
  admitPerSecond: number;
  admissionWindowSeconds: number;
  nextSequence: number;
  /** Tickets with a lower sequence are admitted (first come, first served). */
  admittedThrough: number;
  batches: AdmissionBatch[];
  closed?: { reason: CloseReason };
}

/**
 * Shoppers joining together: an API process sends the joins that arrive while its last one is answered.
 * Each brings the key of its ticket, which the API signs to the shopper (so it can tell a ticket's owner
 * without asking the workflow).
 */
export interface JoinRequest {
  shoppers: { customerId: string; key: string }[];
}

export interface JoinAnswer {
  ticket: string;
  sequence: number;
  /** 1 for the next to be admitted; 0 when already admitted. */
  position: number;
}

export type TicketStatus =
  | { status: 'unknown' }
  | { status: 'expired' }
  | { status: 'waiting'; customerId: string; sequence: number; position: number }
  | { status: 'admitted'; customerId: string; sequence: number; admittedUntil: number };
