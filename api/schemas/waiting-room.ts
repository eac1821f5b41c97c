/** Waiting room shapes: the queue ticket BEGIN answers with, the operator's hot marking, the ticket path. */
import { z } from '@hono/zod-openapi';
import { ItemIdSchema } from './common.js';
import { text } from './text.js';

export const QUEUE_TICKET_HEADER = 'Queue-Ticket';
export const MAX_ADMIT_PER_SECOND = 10_000;

export const QueueTicketSchema = text()
  .regex(/^\d{1,15}-[0-9a-f]{16}$/, 'not a queue ticket')
  .openapi({ example: '42-0123456789abcdef', description: 'A queue ticket, as BEGIN answered it with 202' });

export const QueuedBeginResponseSchema = z
  .object({
    ticket: QueueTicketSchema,
    position: z.number().int().openapi({ description: '1: next to be admitted; 0: admitted already' }),
    eventsUrl: z.string().openapi({ description: "GET it (same bearer token) for the ticket's events" }),
  })
  .openapi('QueuedBegin');

export const HotItemRequestSchema = z
  .strictObject({
    admitPerSecond: z
      .number()
      .min(0)
      .max(MAX_ADMIT_PER_SECOND)
      .optional()
      .openapi({ description: 'Shoppers admitted per second; 0 holds the queue; absent: the default' }),
  })
  .openapi('HotItemRequest');

export const HotItemResponseSchema = z
  .object({
    itemId: ItemIdSchema,
    admitPerSecond: z.number(),
    admissionWindowSeconds: z.number().int(),
    waiting: z.number().int().openapi({ description: 'Tickets not admitted yet' }),
    admitted: z.number().int().openapi({ description: 'Tickets admitted since the room opened' }),
    closed: z.enum(['sold-out', 'ended']).optional(),
  })
  .openapi('HotItem');

export const TicketParamsSchema = z.object({
  itemId: ItemIdSchema.openapi({ param: { name: 'itemId', in: 'path' } }),
  ticket: QueueTicketSchema.openapi({ param: { name: 'ticket', in: 'path' } }),
});

export const waitingRoomEventsPath = (itemId: string, ticket: string): string =>
  `/checkout/waiting-room/${encodeURIComponent(itemId)}/tickets/${ticket}/events`;
