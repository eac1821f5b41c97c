/**
 * GET /checkout/waiting-room/:itemId/tickets/:ticket/events: the ticket owner's server-sent events.
 * `position` {position, estimatedWaitSeconds} first and whenever it changes, then one of `admitted`
 * {ticket, admittedUntil} or `closed` {reason}, after which the stream ends. Whose ticket it is comes
 * from its signature (ticket-keys.ts) and where it stands from the item's shared feed (room-feeds.ts):
 * opening a stream costs the room's workflow nothing.
 */
import { z } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import { admittedUntilOf } from '../../workflows/waiting-room/queue.js';
import type { RoomView } from '../../workflows/waiting-room/types.js';
import { ProblemError, problems } from '../problem.js';
import { newRouter } from '../router.js';
import { TicketParamsSchema } from '../schemas/waiting-room.js';
import type { RoomFeeds } from '../waiting-room/room-feeds.js';
import { ticketSequence } from '../waiting-room/ticket-keys.js';
import { bearerRoute } from './bearer-route.js';

export interface TicketEventDeps {
  feeds: RoomFeeds;
  ticketSecret: string;
  heartbeatMs?: number;
  /** How long to wait for the room's first view before answering 503. */
  firstViewTimeoutMs?: number;
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
      "the ticket may read it: another's, or an unknown ticket, is 404; one whose admission window is over, 410.",
    request: { params: TicketParamsSchema },
    responses: {
      200: { description: 'A text/event-stream', content: { 'text/event-stream': { schema: z.string() } } },
    },
    problems: [400, 401, 404, 410, 503],
  },
);

type TicketEvent = { event: 'position' | 'admitted' | 'closed'; data: Record<string, unknown> };

/** The event the view means for the ticket of `sequence`; `expired` when its admission window is over. */
function eventFor(view: RoomView, ticket: string, sequence: number): TicketEvent | 'expired' {
  if (sequence < view.admittedThrough) {
    const admittedUntil = admittedUntilOf(view.batches, sequence, view.admissionWindowSeconds * 1000);
    if (admittedUntil === undefined) return 'expired';
    return { event: 'admitted', data: { ticket, admittedUntil: new Date(admittedUntil).toISOString() } };
  }
  if (view.closed) return { event: 'closed', data: { reason: view.closed.reason } };
  const position = sequence - view.admittedThrough + 1;
  const estimatedWaitSeconds = view.admitPerSecond > 0 ? Math.ceil(position / view.admitPerSecond) : null;
  return { event: 'position', data: { position, estimatedWaitSeconds } };
}

export function waitingRoomEventRoutes({
  feeds,
  ticketSecret,
  heartbeatMs = 15_000,
  firstViewTimeoutMs = 10_000,
}: TicketEventDeps) {
  return newRouter().openapi(ticketEvents, async (c) => {
    const { itemId, ticket } = c.req.valid('param');
    const notYours = () => new ProblemError(problems.notFound(`No ticket ${ticket} of yours for ${itemId}`));
    const sequence = ticketSequence(ticketSecret, ticket, itemId, c.get('customerId'));
    if (sequence === undefined) throw notYours();

    // Subscribe first; views that arrive before the stream opens wait in `latest`.
    let latest: RoomView | undefined;
    let deliver: (view: RoomView) => void = (view) => {
      latest = view;
    };
    const unsubscribe = feeds.subscribe(itemId, (view) => deliver(view));
    const first = await new Promise<RoomView | undefined>((resolve) => {
      if (latest) return resolve(latest);
      const timer = setTimeout(() => resolve(undefined), firstViewTimeoutMs);
      deliver = (view) => {
        latest = view;
        clearTimeout(timer);
        resolve(view);
      };
    });
    const refuse = (problem: ProblemError) => {
      unsubscribe();
      return problem;
    };
    if (!first)
      throw refuse(new ProblemError(problems.unavailable("The waiting room's queue cannot be read")));
    if (sequence >= first.nextSequence) throw refuse(notYours());
    if (eventFor(first, ticket, sequence) === 'expired') {
      throw refuse(
        new ProblemError(problems.queueTicket('expired', 'The admission window of this ticket is over')),
      );
    }

    return streamSSE(c, async (stream) => {
      let lastData: string | undefined;
      let done = false;
      let writes = Promise.resolve();
      let finish: () => void = () => {};
      const finished = new Promise<void>((resolve) => {
        finish = resolve;
        stream.onAbort(resolve);
        if (stream.aborted) resolve();
      });
      const send = (view: RoomView) => {
        const next = eventFor(view, ticket, sequence);
        if (done || next === 'expired') return;
        const data = JSON.stringify(next.data);
        if (data === lastData) return;
        lastData = data;
        writes = writes.then(() => stream.writeSSE({ event: next.event, data }));
        if (next.event !== 'position') {
          done = true;
          void writes.then(finish, finish);
        }
      };
      send(latest ?? first);
      deliver = send;
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
