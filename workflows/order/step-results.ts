/** Business outcomes of orderWorkflowV2's steps, returned as values (never thrown) so the workflow branches on them. */
import type { PricedLine, ShortLine } from '../types.js';

export type BeginOrderResult =
  | { ok: true; lines: PricedLine[]; totalCents: number }
  | { ok: false; reason: 'UNKNOWN_ITEMS'; itemIds: string[] }
  | { ok: false; reason: 'OUT_OF_STOCK'; lines: ShortLine[] };

/** Items that lost a race for their planned warehouses' units are planned again. */
export type AllocationResult = { ok: true } | { ok: false; lostItemIds: string[] };

export type AuthorizationResult =
  | { ok: true; authorizationId: string }
  | { ok: false; declineReason: string };
