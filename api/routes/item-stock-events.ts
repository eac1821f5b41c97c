/**
 * GET /items/:itemId/stock/events: a server-sent events stream of the item's available units. The current
 * level first, then every change (reservation, release, sale, restock), heartbeats in between.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import { loggableError } from '../../db/errors.js';
import type { StockRepository } from '../../db/repositories/stock-repository.js';
import type { ApiMetrics } from '../api-metrics.js';
import { ProblemError, problems } from '../problem.js';
import { newRouter } from '../router.js';
import { ItemParamsSchema } from '../schemas/catalog.js';
import { problemResponses } from '../schemas/common.js';
import type { StockEvents, StockLevel } from '../stock-events.js';

export interface StockStreamDeps {
  stock: Pick<StockRepository, 'getStock'>;
  stockEvents: StockEvents;
  metrics: ApiMetrics;
  heartbeatMs?: number;
}

const stockEventsRoute = createRoute({
  method: 'get',
  path: '/items/{itemId}/stock/events',
  tags: ['Catalog'],
  summary: "Live stream of an item's available units (server-sent events)",
  description:
    'Each event is `event: stock`, `id: <version>`, `data: {"itemId", "available"}`: the current level ' +
    'first, then every committed change. Comment lines (`: heartbeat`) keep idle connections open.',
  request: { params: ItemParamsSchema },
  responses: {
    200: {
      description: 'An endless text/event-stream',
      content: { 'text/event-stream': { schema: z.string() } },
    },
    ...problemResponses(404, 503),
  },
});

export function itemStockEventRoutes({ stock, stockEvents, metrics, heartbeatMs = 15_000 }: StockStreamDeps) {
  return newRouter().openapi(stockEventsRoute, async (c) => {
    const { itemId } = c.req.valid('param');
    // Subscribe before reading, so no change between the read and the subscription is lost; the version
    // puts the read and the notifications in order.
    const queued: StockLevel[] = [];
    let deliver: (level: StockLevel) => void = (level) => queued.push(level);
    let unsubscribe: () => void;
    try {
      unsubscribe = await stockEvents.subscribe(itemId, (level) => deliver(level));
    } catch (error) {
      c.get('log').warn('stock events unavailable', { itemId, error: loggableError(error) });
      throw new ProblemError(problems.unavailable("The item's shard cannot be listened to right now"));
    }
    let current: StockLevel | undefined;
    try {
      const level = await stock.getStock(itemId);
      current = level && { itemId, available: level.available, version: level.version };
    } catch (error) {
      unsubscribe();
      throw error;
    }
    if (!current) {
      unsubscribe();
      throw new ProblemError(problems.notFound(`No item ${itemId}`));
    }
    const first = current;

    return streamSSE(c, async (stream) => {
      metrics.stockSubscribers.add(1);
      let last: StockLevel | undefined;
      let writes = Promise.resolve();
      const send = (level: StockLevel) => {
        const newer =
          !last ||
          level.version > last.version ||
          (level.version === last.version && level.available !== last.available);
        if (!newer) return;
        last = level;
        writes = writes.then(() =>
          stream.writeSSE({
            event: 'stock',
            id: String(level.version),
            data: JSON.stringify({ itemId: level.itemId, available: level.available }),
          }),
        );
      };
      send(first);
      for (const level of queued.splice(0)) send(level);
      deliver = send;

      const heartbeat = setInterval(() => {
        writes = writes.then(() => stream.write(': heartbeat\n\n').then(() => undefined));
      }, heartbeatMs);
      await new Promise<void>((resolve) => {
        stream.onAbort(resolve);
        if (stream.aborted) resolve();
      });
      clearInterval(heartbeat);
      unsubscribe();
      metrics.stockSubscribers.add(-1);
    });
  });
}
