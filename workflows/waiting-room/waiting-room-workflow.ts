/**
 * waitingRoomWorkflow: the queue of one hot item (workflow id `waiting-room-<itemId>`). Shoppers join by
 * Update, so their ticket is durable before the API answers 202; a timer loop admits them first come first
 * served at `admitPerSecond`; an admitted ticket lets its owner BEGIN until its window ends, then it is
 * dropped. The room closes when the item has no available unit left (`sold-out`) or an operator ends it
 * (`ended`); the workflow then completes with its last view. Waiting tickets do not expire: a shopper who
 * left costs one admission, whose ticket lapses unused. A long queue continues as new, carrying its state.
 */
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyLocalActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { WaitingRoomActivities } from '../../activities/waiting-room-activities.js';
import {
  configureRoomUpdate,
  endRoomUpdate,
  joinQueueUpdate,
  MAX_JOINS,
  roomViewQuery,
  ticketStatusQuery,
} from '../definitions.js';
import { STEP_RETRY, STEP_TIMEOUT } from '../retry-policies.js';
import { emptyQueue, isTicketKey, WaitingQueue } from './queue.js';
import type { CloseReason, RoomView, WaitingRoomInput } from './types.js';

/** How often the room admits: each tick admits the tick's share of the rate in one batch. */
export const ADMISSION_TICK_MS = 500;

/** History length past which a room continues as new even if Temporal has not suggested it yet. */
export const CONTINUE_AS_NEW_AFTER_EVENTS = 10_000;

/** The type of the refusal a closed room answers a join with. */
export const ROOM_CLOSED = 'WaitingRoomClosed';

const { availableUnits } = proxyLocalActivities<WaitingRoomActivities>({
  startToCloseTimeout: STEP_TIMEOUT,
  retry: STEP_RETRY,
});

/**
 * Waits for `step`, then for one round of condition checks, so that the Updates of the same activation
 * have answered before the loop issues its next command. Live, an Update's answer goes out first; replay
 * may hand the workflow the Update and the timer (or step) at once, and without this pause the loop's next
 * timer would come before the answer: a history the code cannot replay.
 */
async function answeredFirst<T>(step: Promise<T>): Promise<T> {
  const result = await step;
  await condition(() => true);
  return result;
}

export async function waitingRoomWorkflow(input: WaitingRoomInput): Promise<RoomView> {
  const { itemId, admissionWindowSeconds } = input;
  let admitPerSecond = input.admitPerSecond;
  let closed: CloseReason | undefined;
  const queue = new WaitingQueue(input.queue ?? emptyQueue(), admissionWindowSeconds * 1000);

  const view = (): RoomView => ({
    itemId,
    admitPerSecond,
    admissionWindowSeconds,
    nextSequence: queue.state.nextSequence,
    admittedThrough: queue.state.admittedThrough,
    batches: queue.state.batches,
    ...(closed ? { closed: { reason: closed } } : {}),
  });

  setHandler(roomViewQuery, view);
  setHandler(ticketStatusQuery, (ticket) => queue.status(ticket));
  setHandler(
    joinQueueUpdate,
    ({ shoppers }) => shoppers.map(({ customerId, key }) => queue.join(customerId, () => key)),
    {
      validator: ({ shoppers }) => {
        if (closed) {
          throw ApplicationFailure.create({
            type: ROOM_CLOSED,
            message: `closed: ${closed}`,
            nonRetryable: true,
          });
        }
        const valid = (s: { customerId?: unknown; key?: unknown }) =>
          typeof s.customerId === 'string' && s.customerId !== '' && isTicketKey(s.key);
        if (!Array.isArray(shoppers) || shoppers.length > MAX_JOINS || !shoppers.every(valid)) {
          throw new Error(`shoppers must be 1–${MAX_JOINS} customer ids with their ticket keys`);
        }
      },
    },
  );
  setHandler(
    configureRoomUpdate,
    (settings) => {
      admitPerSecond = settings.admitPerSecond;
      return view();
    },
    {
      validator: ({ admitPerSecond: rate }) => {
        if (!(Number.isFinite(rate) && rate >= 0)) throw new Error('admitPerSecond must be 0 or more');
      },
    },
  );
  setHandler(endRoomUpdate, () => {
    closed ??= 'ended';
    return view();
  });

  const canAdmit = () => queue.waiting > 0 && admitPerSecond > 0;
  const maxEvents = input.continueAsNewAfterEvents ?? CONTINUE_AS_NEW_AFTER_EVENTS;
  const historyLong = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > maxEvents;
  while (!closed && !historyLong()) {
    if (!canAdmit()) {
      const expiry = queue.nextExpiry();
      await answeredFirst(
        condition(
          () => closed !== undefined || canAdmit() || historyLong(),
          expiry === undefined ? undefined : Math.max(1, expiry - Date.now()),
        ),
      );
    } else {
      await answeredFirst(sleep(ADMISSION_TICK_MS));
      if (closed) break;
      if ((await answeredFirst(availableUnits(itemId))) <= 0) {
        closed = 'sold-out';
        break;
      }
      queue.admit(admitPerSecond, ADMISSION_TICK_MS, Date.now());
    }
    queue.dropExpired(Date.now());
  }
  await condition(allHandlersFinished);
  if (!closed) {
    return continueAsNew<typeof waitingRoomWorkflow>({ ...input, admitPerSecond, queue: queue.state });
  }
  return view();
}
