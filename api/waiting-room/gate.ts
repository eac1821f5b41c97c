/**
 * The waiting room's side of BEGIN. A cart with no hot item passes. Without a Queue-Ticket, the shopper
 * joins the room of the cart's first hot item (an Update: the ticket is in the workflow's history before
 * the 202) and gets the ticket back. With one, the room is asked about it: only its owner's admitted,
 * unexpired ticket passes; anything else is a 4xx naming why. A room found closed lets BEGIN through.
 */
import type { Client } from '@temporalio/client';
import type { OrderLine } from '../../domain/order-lines.js';
import {
  joinQueueUpdate,
  MAX_JOINS,
  ticketStatusQuery,
  waitingRoomWorkflowId,
} from '../../workflows/definitions.js';
import type { JoinAnswer, TicketStatus } from '../../workflows/waiting-room/types.js';
import { ProblemError, problems } from '../problem.js';
import { waitingRoomEventsPath } from '../schemas/waiting-room.js';
import { isRefused, updateOrRefusal } from '../workflow-calls.js';
import type { HotItems } from './hot-items.js';
import { createJoinBatcher } from './join-batcher.js';
import { ticketKey } from './ticket-keys.js';

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
}

/** Joins can race a room continuing as new, or a lost workflow task: they are sent again. */
const JOIN_ATTEMPTS = 3;

export function createWaitingRoomGate({
  temporal,
  hotItems,
  publicBaseUrl,
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
                  key: ticketKey(ticketSecret, itemId, customerId),
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

  async function statusOf(itemId: string, ticket: string): Promise<TicketStatus | undefined> {
    try {
      return await room(itemId).query(ticketStatusQuery, ticket);
    } catch (error) {
      if (!(await isRunning(itemId))) return undefined;
      throw error;
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
        const eventsUrl = new URL(waitingRoomEventsPath(itemId, joined.ticket), publicBaseUrl).toString();
        return { ok: false, reason: 'QUEUED', ticket: joined.ticket, position: joined.position, eventsUrl };
      }
      const status = await statusOf(itemId, queueTicket);
      if (!status) {
        hotItems.unmarked(itemId);
        return undefined;
      }
      assertAdmits(status, customerId, itemId);
      return undefined;
    },
  };
}

function assertAdmits(status: TicketStatus, customerId: string, itemId: string): void {
  const refuse = (type: Parameters<typeof problems.queueTicket>[0], detail: string) => {
    throw new ProblemError(problems.queueTicket(type, detail));
  };
  if (status.status === 'unknown') refuse('unknown', `Not a ticket of the waiting room of ${itemId}`);
  if (status.status === 'expired')
    refuse('expired', 'The ticket was admitted, but its admission window is over');
  if (status.status !== 'waiting' && status.status !== 'admitted') return;
  if (status.customerId !== customerId) refuse('foreign', "The ticket is another shopper's");
  if (status.status === 'waiting') {
    refuse('waiting', `The ticket is not admitted yet: position ${status.position} in the queue`);
  }
  if (status.status === 'admitted' && status.admittedUntil <= Date.now()) {
    refuse('expired', 'The ticket was admitted, but its admission window is over');
  }
}
