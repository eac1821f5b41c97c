/**
 * The waiting room's side of BEGIN. A cart with no hot item passes. Without a Queue-Ticket, the shopper
 * joins the room of the cart's first hot item (an Update: the ticket is in the workflow's history before
 * the 202) and gets a ticket signed to them back. With one, its signature tells whose it is and the room's
 * latest view (the events streams' feed) where it stands: only its owner's admitted, unexpired ticket
 * passes; anything else is a 4xx naming why. A room found closed lets BEGIN through.
 */
import type { Client } from '@temporalio/client';
import type { OrderLine } from '../../domain/order-lines.js';
import { joinQueueUpdate, MAX_JOINS, waitingRoomWorkflowId } from '../../workflows/definitions.js';
import { admittedUntilOf } from '../../workflows/waiting-room/queue.js';
import type { JoinAnswer, RoomView } from '../../workflows/waiting-room/types.js';
import { ProblemError, problems } from '../problem.js';
import { waitingRoomEventsPath } from '../schemas/waiting-room.js';
import { isRefused, updateOrRefusal } from '../workflow-calls.js';
import type { HotItems } from './hot-items.js';
import { createJoinBatcher } from './join-batcher.js';
import type { RoomFeeds } from './room-feeds.js';
import { shopperKey, signTicket, ticketSequence } from './ticket-keys.js';

export interface QueuedBegin {
  ok: false;
  reason: 'QUEUED';
  ticket: string;
  position: number;
  eventsUrl: string;
}

export interface WaitingRoomGate {
  /** A queue ticket when the shopper must wait; undefined when BEGIN may go on. Throws the ticket's problems. */
  check(
    customerId: string,
    lines: readonly OrderLine[],
    queueTicket: string | undefined,
  ): Promise<QueuedBegin | undefined>;
}

export interface GateDeps {
  temporal: Client;
  hotItems: Pick<HotItems, 'isHot' | 'unmarked'>;
  publicBaseUrl: string;
  /** Signs each ticket to its shopper (ticket-keys.ts). */
  ticketSecret: string;
  feeds: Pick<RoomFeeds, 'current'>;
}

/** Joins can race a room continuing as new, or a lost workflow task: they are sent again. */
const JOIN_ATTEMPTS = 3;

export function createWaitingRoomGate({
  temporal,
  hotItems,
  publicBaseUrl,
  feeds,
  ticketSecret,
}: GateDeps): WaitingRoomGate {
  const room = (itemId: string) => temporal.workflow.getHandle(waitingRoomWorkflowId(itemId));

  async function sendJoins(itemId: string, customerIds: string[]): Promise<JoinAnswer[] | undefined> {
    for (let attempt = 1; ; attempt++) {
      try {
        const answers = await updateOrRefusal(() =>
          room(itemId).executeUpdate(joinQueueUpdate, {
            args: [
              {
                shoppers: customerIds.map((customerId) => ({
                  customerId,
                  key: shopperKey(ticketSecret, itemId, customerId),
                })),
              },
            ],
          }),
        );
        if (!isRefused(answers)) return answers;
        if (attempt >= JOIN_ATTEMPTS || !(await isRunning(itemId))) return undefined;
      } catch (error) {
        // An Update the room dropped (a lost workflow task, continueAsNew): joining again is harmless.
        if (attempt >= JOIN_ATTEMPTS) throw error;
      }
    }
  }
  const batcher = createJoinBatcher(sendJoins, MAX_JOINS);

  async function isRunning(itemId: string): Promise<boolean> {
    try {
      return (await room(itemId).describe()).status.name === 'RUNNING';
    } catch {
      return false;
    }
  }

  return {
    async check(customerId, lines, queueTicket) {
      const itemId = lines
        .map((line) => line.itemId)
        .sort()
        .find((id) => hotItems.isHot(id));
      if (itemId === undefined) return undefined;
      if (queueTicket === undefined) {
        const joined = await batcher.join(itemId, customerId);
        if (!joined) {
          hotItems.unmarked(itemId);
          return undefined;
        }
        const ticket = signTicket(ticketSecret, itemId, customerId, joined.sequence);
        const eventsUrl = new URL(waitingRoomEventsPath(itemId, ticket), publicBaseUrl).toString();
        return { ok: false, reason: 'QUEUED', ticket, position: joined.position, eventsUrl };
      }
      const sequence = ticketSequence(ticketSecret, queueTicket, itemId, customerId);
      if (sequence === undefined) {
        throw new ProblemError(problems.queueTicket('foreign', `Not a ticket of yours for ${itemId}`));
      }
      const view = await feeds.current(itemId);
      if (!view || view.closed) {
        hotItems.unmarked(itemId);
        return undefined;
      }
      assertAdmits(view, sequence);
      return undefined;
    },
  };
}

/** Throws the problem of a ticket (of this shopper, `sequence`) that the room does not admit now. */
function assertAdmits(view: RoomView, sequence: number): void {
  const refuse = (type: Parameters<typeof problems.queueTicket>[0], detail: string) =>
    new ProblemError(problems.queueTicket(type, detail));
  if (sequence >= view.nextSequence) {
    throw refuse('unknown', `Not a ticket of the waiting room of ${view.itemId} as it stands`);
  }
  if (sequence >= view.admittedThrough) {
    const position = sequence - view.admittedThrough + 1;
    throw refuse('waiting', `The ticket is not admitted yet: position ${position} in the queue`);
  }
  const admittedUntil = admittedUntilOf(view.batches, sequence, view.admissionWindowSeconds * 1000);
  if (admittedUntil === undefined || admittedUntil <= Date.now()) {
    throw refuse('expired', 'The ticket was admitted, but its admission window is over');
  }
}
