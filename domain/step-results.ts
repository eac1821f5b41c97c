/** Business outcomes of the order workflow's steps, returned as values (never thrown) so the workflow branches on them. */
import type { ItemParts } from './allocated-parts.js';
import type { PricedLine, ShortLine } from './order-lines.js';

export type BeginOrderResult =
  | { ok: true; lines: PricedLine[]; totalCents: number }
  | { ok: false; reason: 'UNKNOWN_ITEMS'; itemIds: string[] }
  | { ok: false; reason: 'OUT_OF_STOCK'; lines: ShortLine[] };

/**
 * Items that lost a race for their planned warehouses' units are planned again. `allocated`: the parts
 * each other item really holds (absent in results recorded before it was added: the plan's, then).
 */
export type AllocationResult =
  | { ok: true; allocated?: ItemParts[] }
  | { ok: false; lostItemIds: string[]; allocated?: ItemParts[] };

export type AuthorizationResult =
  | { ok: true; authorizationId: string }
  | { ok: false; declineReason: string };

/**
 * What giving back a payment the workflow never recorded found: no authorization, or one now voided (never
 * captured) or whose capture is now refunded.
 */
export type ReturnedPayment =
  | { held: false }
  | {
      held: true;
      authorizationId: string;
      outcome: 'VOIDED' | 'REFUNDED';
      capturedCents: number;
      refundedCents: number;
    };
