/**
 * The SSE fan-out of the waiting rooms: one poller per hot item per API process, querying the room's
 * workflow every `pollMs` while anyone listens, and handing each view to every listener in memory. A
 * shopper's position follows from the view (ticket sequence − admitted so far), so a thousand streams cost
 * the same one query as one stream. A closed room's last view is kept a while for late listeners.
 */
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { loggableError } from '../../db/errors.js';
import type { Logger } from '../../observability/logger.js';
import { roomViewQuery, waitingRoomWorkflowId } from '../../workflows/definitions.js';
import type { RoomView } from '../../workflows/waiting-room/types.js';

export type ViewListener = (view: RoomView) => void;

export interface RoomFeeds {
  /**
   * The room's view as of at most two polls ago (one query, shared by concurrent callers, when this
   * process has none as fresh); undefined when the room's workflow is gone.
   */
  current(itemId: string): Promise<RoomView | undefined>;
  /** Calls `onView` with the room's views, the first as soon as one is known. Returns an unsubscribe. */
  subscribe(itemId: string, onView: ViewListener): () => void;
  close(): void;
}

export interface RoomFeedsDeps {
  temporal: Client;
  logger: Logger;
  pollMs: number;
  /** Called when a room is found closed (its item is no longer hot). */
  onClosed?: (itemId: string) => void;
  /** Whether the item has a room: a closed room's kept view is dropped once the item is hot again. */
  isHot?: (itemId: string) => boolean;
  /** How long a closed room's last view is kept. */
  keepClosedMs?: number;
}

interface Feed {
  listeners: Set<ViewListener>;
  last?: RoomView;
  /** When `last` was read (Date.now()). */
  lastAt?: number;
  timer?: NodeJS.Timeout;
  polling: boolean;
}

export function createRoomFeeds({
  temporal,
  logger,
  pollMs,
  onClosed,
  isHot = () => false,
  keepClosedMs = 300_000,
}: RoomFeedsDeps): RoomFeeds {
  const feeds = new Map<string, Feed>();
  let closed = false;

  async function poll(itemId: string, feed: Feed): Promise<void> {
    let view: RoomView | undefined;
    try {
      view = await temporal.workflow.getHandle(waitingRoomWorkflowId(itemId)).query(roomViewQuery);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) {
        view = { ...(feed.last ?? emptyView(itemId)), closed: { reason: 'ended' } };
      } else {
        logger.warn('waiting room: cannot read the queue', { itemId, error: loggableError(error) });
      }
    }
    if (view) {
      feed.last = view;
      feed.lastAt = Date.now();
      for (const listener of feed.listeners) listener(view);
      if (view.closed) {
        onClosed?.(itemId);
        feed.polling = false;
        setTimeout(() => {
          if (feeds.get(itemId) === feed && feed.listeners.size === 0) feeds.delete(itemId);
        }, keepClosedMs).unref();
        return;
      }
    }
    schedule(itemId, feed);
  }

  function schedule(itemId: string, feed: Feed): void {
    if (closed || feed.listeners.size === 0) {
      feed.polling = false;
      return;
    }
    feed.polling = true;
    feed.timer = setTimeout(() => void poll(itemId, feed), pollMs);
  }

  const reading = new Map<string, Promise<RoomView | undefined>>();
  async function read(itemId: string): Promise<RoomView | undefined> {
    try {
      return await temporal.workflow.getHandle(waitingRoomWorkflowId(itemId)).query(roomViewQuery);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return undefined;
      throw error;
    }
  }

  return {
    current(itemId) {
      const feed = feeds.get(itemId);
      const kept = feed?.last?.closed ? !isHot(itemId) : Date.now() - (feed?.lastAt ?? 0) <= 2 * pollMs;
      if (feed?.last && kept) {
        return Promise.resolve(feed.last);
      }
      let pending = reading.get(itemId);
      if (!pending) {
        pending = read(itemId).finally(() => reading.delete(itemId));
        reading.set(itemId, pending);
      }
      return pending;
    },
    subscribe(itemId, onView) {
      let feed = feeds.get(itemId);
      if (feed?.last?.closed && feed.listeners.size === 0 && isHot(itemId)) feed = undefined;
      if (!feed) {
        feed = { listeners: new Set(), polling: false };
        feeds.set(itemId, feed);
      }
      const current = feed;
      current.listeners.add(onView);
      if (current.last) onView(current.last);
      if (!current.polling && !current.last?.closed) {
        current.polling = true;
        void poll(itemId, current);
      }
      return () => {
        current.listeners.delete(onView);
        if (current.listeners.size === 0 && !current.last?.closed) {
          clearTimeout(current.timer);
          current.polling = false;
          if (feeds.get(itemId) === current) feeds.delete(itemId);
        }
      };
    },
    close() {
      closed = true;
      for (const feed of feeds.values()) clearTimeout(feed.timer);
      feeds.clear();
    },
  };
}

function emptyView(itemId: string): RoomView {
  return {
    itemId,
    admitPerSecond: 0,
    admissionWindowSeconds: 0,
    nextSequence: 0,
    admittedThrough: 0,
    batches: [],
  };
}
