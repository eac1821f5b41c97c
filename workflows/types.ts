/** Shapes that cross the workflow boundary: inputs, update arguments and results, the query's state. */
import type { OrderLine, PricedLine, ShortLine } from '../domain/order-lines.js';
import type { OrderStatus } from '../domain/order-status.js';
import type { ShippingAddress } from '../domain/shipping-address.js';
import type { SuborderStatus } from '../domain/suborder-status.js';

export interface OrderWorkflowInput {
  orderId: string;
  customerId: string;
  /** Decided by the deployment when the order starts, so a config change never alters a running order. */
  reservationTtlSeconds: number;
  /** Base of the payment URL handed to the shopper, e.g. http://localhost:3000 */
  publicBaseUrl: string;
  /** Task queue of the warehouse worker. */
  warehouseTaskQueue: string;
}

export interface BeginCheckoutRequest {
  lines: OrderLine[];
}

export type BeginCheckoutResult = (
  | { ok: true; orderId: string; paymentUrl: string; expiresAt: string }
  | { ok: false; reason: 'UNKNOWN_ITEMS'; itemIds: string[] }
  | { ok: false; reason: 'OUT_OF_STOCK'; lines: ShortLine[] }
) & {
  /** The fingerprint of the request that began the order (keyed BEGINs of V2 orders only). */
  requestFingerprint?: string;
};

/** Payment details arrive as a gateway token: card data never enters workflow history. */
export interface PaymentDetails {
  paymentToken: string;
  shippingAddress: ShippingAddress;
}

export interface OrderOutcome {
  orderId: string;
  status: OrderStatus;
  declineReason?: string;
  failureReason?: string;
}

export interface SuborderState {
  suborderId: string;
  warehouseId: string;
  lines: OrderLine[];
  status: SuborderStatus;
}

export interface PaymentState {
  outcome: 'NONE' | 'AUTHORIZED' | 'DECLINED' | 'CAPTURED' | 'VOIDED' | 'REFUNDED';
  authorizationId?: string;
  declineReason?: string;
  capturedCents: number;
  refundedCents: number;
}

export interface OrderState {
  orderId: string;
  customerId: string;
  /** NEW until the checkout has begun; CHECKOUT_REFUSED when it could not begin. */
  status: OrderStatus | 'NEW' | 'CHECKOUT_REFUSED';
  lines: PricedLine[];
  totalCents: number;
  expiresAt?: string;
  shippingCountry?: string;
  payment: PaymentState;
  suborders: SuborderState[];
  cancelReason?: string;
  /** Why a FAILED order failed: the step and its error (never personal data). */
  failureReason?: string;
}

export interface SuborderEvent {
  suborderId: string;
}

export interface FulfillmentInput {
  orderId: string;
  customerId: string;
  lines: OrderLine[];
  destination: { country: string; postalCode: string };
  warehouseTaskQueue: string;
}

export type FulfillmentResult = { outcome: 'DELIVERED' } | { outcome: 'CANCELLED' };
