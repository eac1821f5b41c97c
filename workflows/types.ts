/** Shapes that cross the workflow boundary (workflow input, updates, query, activity results). */

import type { OrderStatus } from '../domain/order-status.js';

export type { OrderStatus };

export interface OrderLineRequest {
  itemId: string;
  quantity: number;
}

export interface PricedLine extends OrderLineRequest {
  priceCents: number;
}

export interface OrderWorkflowInput {
  orderId: string;
  customerId: string;
  /** Decided by the deployment when the order starts, so a config change never alters a running order. */
  reservationTtlSeconds: number;
  /** Base of the payment URL handed to the shopper, e.g. http://localhost:3000 */
  publicBaseUrl: string;
}

export interface BeginCheckoutRequest {
  lines: OrderLineRequest[];
}

export interface CheckoutStarted {
  ok: true;
  orderId: string;
  paymentUrl: string;
  expiresAt: string;
}

export interface UnknownItems {
  ok: false;
  reason: 'UNKNOWN_ITEMS';
  itemIds: string[];
}

export type BeginCheckoutResult = CheckoutStarted | UnknownItems;

export interface OrderState {
  orderId: string;
  customerId: string;
  status: OrderStatus | 'NEW';
  lines: PricedLine[];
  totalCents: number;
  expiresAt?: string;
}
