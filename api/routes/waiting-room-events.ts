/**
 * GET /checkout/waiting-room/:itemId/tickets/:ticket/events: the ticket owner's server-sent events.
 * `position` {position, estimatedWaitSeconds} first and whenever it changes, then one of `admitted`
 * {ticket, admittedUntil} or `closed` {reason}, after which the stream ends. The room's workflow is asked
 * once, whose ticket it is; positions come from the item's shared feed (room-feeds.ts).
 */
import { z } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { streamSSE } from 'hono/streaming';
import { ticketStatusQuery, waitingRoomWorkflowId } from '../../workflows/definitions.js';
import { admittedUntilOf, parseTicket } from '../../workflows/waiting-room/queue.js';
import type { RoomView } from '../../workflows/waiting-room/types.js';
import { ProblemError, problems } from '../problem.js';
import { newRouter } from '../router.js';
import { TicketParamsSchema } from '../schemas/waiting-room.js';
import type { RoomFeeds } from '../waiting-room/room-feeds.js';
import { bearerRoute } from './bearer-route.js';

export interface TicketEventDeps {
  temporal: Client;
  feeds: RoomFeeds;
  heartbeatMs?: number;
}

const ticketEvents = bearerRoute(
  'Checkout',
  'get',
  '/checkout/waiting-room/{itemId}/tickets/{ticket}/events',
  {
    summary: "A queue ticket's progress in a waiting room (server-sent events)",
    description:
      '`event: position` `{"position", "estimatedWaitSeconds"}` first and at every change; then ' +
      '`event: admitted` `{"ticket", "admittedUntil"}` (BEGIN again with `Queue-Ticket` before then) or ' +
      '`event: closed` `{"reason"}` (`sold-out`, `ended`), and the stream ends. Only the shopper who took ' +
      "the ticket may read it: another's, or an unknown ticket, is 404; an expired one 410.",
    request: { params: TicketParamsSchema },
    responses: {
      200: { description: 'A text/event-stream', content: { 'text/event-stream': { schema: z.string() } } },
    },
    problems: [400, 401, 404, 410, 503],
  },
);

type TicketEvent = { event: 'position' | 'admitted' | 'closed'; data: Record<string, unknown> };

/** The event the view means for the ticket of `sequence`. */
function eventFor(view: RoomView, ticket: string, sequence: number): TicketEvent {
  const admittedUntil = admittedUntilOf(view.batches, sequence, view.admissionWindowSeconds * 1000);
  if (sequence < view.admittedThrough && admittedUntil !== undefined) {
    return { event: 'admitted', data: { ticket, admittedUntil: new Date(admittedUntil).toISOString() } };
  }
  if (view.closed) return { event: 'closed', data: { reason: view.closed.reason } };
  const position = Math.max(1, sequence - view.admittedThrough + 1);
  const estimatedWaitSeconds = view.admitPerSecond > 0 ? Math.ceil(position / view.admitPerSecond) : null;
  return { event: 'position', data: { position, estimatedWaitSeconds } };
}

export function waitingRoomEventRoutes({ temporal, feeds, heartbeatMs = 15_000 }: TicketEventDeps) {
  return newRouter().openapi(ticketEvents, async (c) => {
    const { itemId, ticket } = c.req.valid('param');
    const notYours = () => new ProblemError(problems.notFound(`No ticket ${ticket} of yours for ${itemId}`));
    const status = await temporal.workflow
      .getHandle(waitingRoomWorkflowId(itemId))
      .query(ticketStatusQuery, ticket)
      .catch((error: unknown) => {
        throw error instanceof WorkflowNotFoundError ? notYours() : error;
      });
    if (status.status === 'expired') {
      throw new ProblemError(problems.queueTicket('expired', 'The admission window of this ticket is over'));
    }
    if (status.status === 'unknown' || status.customerId !== c.get('customerId')) throw notYours();
    const { sequence } = parseTicket(ticket)!;

    return streamSSE(c, async (stream) => {
      let lastPosition: string | undefined;
      let done = false;
      let writes = Promise.resolve();
      let finish: () => void = () => {};
      const finished = new Promise<void>((resolve) => {
        finish = resolve;
        stream.onAbort(resolve);
        if (stream.aborted) resolve();
      });
      const unsubscribe = feeds.subscribe(itemId, (view) => {
        if (done) return;
        const next = eventFor(view, ticket, sequence);
        const data = JSON.stringify(next.data);
        if (next.event === 'position') {
          if (data === lastPosition) return;
          lastPosition = data;
        }
        writes = writes.then(() => stream.writeSSE({ event: next.event, data }));
        if (next.event !== 'position') {
          done = true;
          void writes.then(finish, finish);
        }
      });
      const heartbeat = setInterval(() => {
        writes = writes.then(() => stream.write(': heartbeat\n\n').then(() => undefined));
      }, heartbeatMs);
      await finished;
      clearInterval(heartbeat);
      unsubscribe();
      await writes.catch(() => undefined);
    });
  });
}
