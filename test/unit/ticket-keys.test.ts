/** Queue tickets are signed to their shopper, item and place: none can be borrowed, moved up or made up. */
import assert from 'node:assert/strict';
import { signTicket, ticketSequence } from '../../api/waiting-room/ticket-keys.js';

const SECRET = 'test-queue-ticket-secret';

describe('queue ticket signatures', () => {
  const ticket = signTicket(SECRET, 'item-1', 'c-1', 41);

  it("reads back the place of the shopper's own ticket", () => {
    assert.match(ticket, /^41-[0-9a-f]{16}$/);
    assert.equal(ticketSequence(SECRET, ticket, 'item-1', 'c-1'), 41);
  });

  it("refuses another shopper's ticket, another item's, an edited place and another secret's", () => {
    assert.equal(ticketSequence(SECRET, ticket, 'item-1', 'c-2'), undefined);
    assert.equal(ticketSequence(SECRET, ticket, 'item-2', 'c-1'), undefined);
    assert.equal(ticketSequence(SECRET, ticket.replace(/^41-/, '1-'), 'item-1', 'c-1'), undefined);
    assert.equal(ticketSequence('another-secret', ticket, 'item-1', 'c-1'), undefined);
    assert.equal(ticketSequence(SECRET, 'not a ticket', 'item-1', 'c-1'), undefined);
  });
});
