/**
 * POST and DELETE /admin/items/:itemId/hot: an operator opens (or re-rates) and ends an item's waiting
 * room. Opening is update-with-start of the room's workflow, so a second POST changes the rate of the
 * running room; ending tells everyone waiting `closed: ended`, and BEGINs of the item go straight through.
 */
import { type Client, WithStartWorkflowOperation } from '@temporalio/client';
import type { CatalogRepository } from '../../db/repositories/catalog-repository.js';
import {
  configureRoomUpdate,
  endRoomUpdate,
  WAITING_ROOM_WORKFLOW_TYPE,
  waitingRoomWorkflowId,
} from '../../workflows/definitions.js';
import type { RoomView } from '../../workflows/waiting-room/types.js';
import type { waitingRoomWorkflow } from '../../workflows/waiting-room/waiting-room-workflow.js';
import { ProblemError, problems } from '../problem.js';
import { newRouter } from '../router.js';
import { ItemParamsSchema } from '../schemas/catalog.js';
import { jsonBody, jsonContent } from '../schemas/common.js';
import { HotItemRequestSchema, HotItemResponseSchema } from '../schemas/waiting-room.js';
import type { HotItems } from '../waiting-room/hot-items.js';
import { isRefused, updateOrRefusal } from '../workflow-calls.js';
import { bearerRoute } from './bearer-route.js';

export interface HotItemDeps {
  temporal: Client;
  catalog: Pick<CatalogRepository, 'getItem'>;
  hotItems: Pick<HotItems, 'marked' | 'unmarked'>;
  orderTaskQueue: string;
  /** Rate of a room whose POST names none. */
  defaultAdmitPerSecond: number;
  admissionWindowSeconds: number;
}

const markHot = bearerRoute('Operators', 'post', '/admin/items/{itemId}/hot', {
  summary: "Open an item's waiting room, or change its admission rate",
  description:
    'BEGINs of the item then queue (202 with a ticket) and are admitted first come first served at ' +
    '`admitPerSecond` (0 holds the queue). The room closes by itself when the item sells out.',
  request: { params: ItemParamsSchema, body: jsonBody(HotItemRequestSchema) },
  responses: { 200: jsonContent(HotItemResponseSchema, 'The room as it stands') },
  problems: [400, 401, 403, 404, 413, 415, 503],
});

const endHot = bearerRoute('Operators', 'delete', '/admin/items/{itemId}/hot', {
  summary: "End an item's waiting room",
  description: 'Everyone waiting is told `closed` (`ended`); BEGINs of the item go straight through again.',
  request: { params: ItemParamsSchema },
  responses: { 200: jsonContent(HotItemResponseSchema, 'The room as it ended') },
  problems: [400, 401, 403, 404, 503],
});

const hotItemBody = (view: RoomView) => ({
  itemId: view.itemId,
  admitPerSecond: view.admitPerSecond,
  admissionWindowSeconds: view.admissionWindowSeconds,
  waiting: view.nextSequence - view.admittedThrough,
  admitted: view.admittedThrough,
  ...(view.closed ? { closed: view.closed.reason } : {}),
});

export function adminHotItemRoutes(deps: HotItemDeps) {
  const room = (itemId: string) => deps.temporal.workflow.getHandle(waitingRoomWorkflowId(itemId));
  return newRouter()
    .openapi(markHot, async (c) => {
      const { itemId } = c.req.valid('param');
      const admitPerSecond = c.req.valid('json').admitPerSecond ?? deps.defaultAdmitPerSecond;
      if (!(await deps.catalog.getItem(itemId)))
        throw new ProblemError(problems.notFound(`No item ${itemId}`));
      const view = await deps.temporal.workflow.executeUpdateWithStart(configureRoomUpdate, {
        args: [{ admitPerSecond }],
        startWorkflowOperation: new WithStartWorkflowOperation<typeof waitingRoomWorkflow>(
          WAITING_ROOM_WORKFLOW_TYPE,
          {
            workflowId: waitingRoomWorkflowId(itemId),
            taskQueue: deps.orderTaskQueue,
            workflowIdConflictPolicy: 'USE_EXISTING',
            args: [{ itemId, admitPerSecond, admissionWindowSeconds: deps.admissionWindowSeconds }],
          },
        ),
      });
      deps.hotItems.marked(itemId);
      return c.json(hotItemBody(view), 200);
    })
    .openapi(endHot, async (c) => {
      const { itemId } = c.req.valid('param');
      const view = await updateOrRefusal(() => room(itemId).executeUpdate(endRoomUpdate));
      deps.hotItems.unmarked(itemId);
      if (isRefused(view)) throw new ProblemError(problems.notFound(`Item ${itemId} has no waiting room`));
      return c.json(hotItemBody(view), 200);
    });
}
