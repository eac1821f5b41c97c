/**
 * Queue tickets as the API hands them out: `<sequence>-<signature>`, the signature binding the sequence to
 * the shopper and the item. Whoever shows a ticket whose signature is theirs took that place in the queue,
 * so the events stream and BEGIN tell a ticket's owner and position without asking the room's workflow,
 * and nobody can move their ticket up the queue by editing its number.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { parseTicket } from '../../workflows/waiting-room/queue.js';

const sign = (secret: string, text: string) =>
  createHmac('sha256', secret).update(text).digest('hex').slice(0, 16);

/** The key the room's workflow keeps with the shopper's ticket (the same on every join of theirs). */
export function shopperKey(secret: string, itemId: string, customerId: string): string {
  return sign(secret, `${itemId}\n${customerId}`);
}

export function signTicket(secret: string, itemId: string, customerId: string, sequence: number): string {
  return `${sequence}-${sign(secret, `${itemId}\n${customerId}\n${sequence}`)}`;
}

/** The ticket's sequence when it is the shopper's ticket for the item; undefined otherwise. */
export function ticketSequence(
  secret: string,
  ticket: string,
  itemId: string,
  customerId: string,
): number | undefined {
  const parsed = parseTicket(ticket);
  if (!parsed) return undefined;
  const expected = Buffer.from(signTicket(secret, itemId, customerId, parsed.sequence));
  const given = Buffer.from(ticket);
  return given.length === expected.length && timingSafeEqual(given, expected) ? parsed.sequence : undefined;
}
