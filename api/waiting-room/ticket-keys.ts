/**
 * A queue ticket's key, signed to its shopper and item: whoever holds a ticket whose key is theirs took it,
 * so the events stream knows a ticket's owner without asking the room's workflow.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export function ticketKey(secret: string, itemId: string, customerId: string): string {
  return createHmac('sha256', secret).update(`${itemId}\n${customerId}`).digest('hex').slice(0, 16);
}

export function isTicketOf(secret: string, key: string, itemId: string, customerId: string): boolean {
  const expected = Buffer.from(ticketKey(secret, itemId, customerId));
  const given = Buffer.from(key);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
