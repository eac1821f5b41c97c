/**
 * The payment service provider as the platform sees it. Every money-moving call carries an idempotency
 * key: a repeated call (a retried activity) returns the first call's result and moves no money twice.
 * Declines are answers, not errors; an outage throws PaymentGatewayUnavailableError and is retried.
 */

export interface CardDetails {
  cardNumber: string;
  expMonth: number;
  expYear: number;
  cvc: string;
}

export interface TokenizeRequest {
  customerId: string;
  card: CardDetails;
}

export interface PaymentToken {
  /** Opaque; the only thing about the card that reaches a workflow. */
  paymentToken: string;
  brand: string;
  last4: string;
}

export interface AuthorizeRequest {
  idempotencyKey: string;
  customerId: string;
  orderId: string;
  amountCents: number;
  paymentToken: string;
}

export type AuthorizeResult =
  | { status: 'AUTHORIZED'; authorizationId: string }
  | { status: 'DECLINED'; reason: string };

/** What a call about an authorization made before names: capture or refund an amount of it, or void it. */
export interface AuthorizationCall {
  idempotencyKey: string;
  customerId: string;
  orderId: string;
  authorizationId: string;
}

export interface CaptureRequest extends AuthorizationCall {
  amountCents: number;
}

export type VoidRequest = AuthorizationCall;

export interface RefundRequest extends AuthorizationCall {
  amountCents: number;
}

/** Names an authorization by the idempotency key it was made with, for a caller that never got its id. */
export interface AuthorizationLookup {
  idempotencyKey: string;
  customerId: string;
  orderId: string;
}

/** What an authorization holds now: the money captured, refunded, or the hold voided. */
export interface HeldAuthorization {
  authorizationId: string;
  capturedCents: number;
  refundedCents: number;
  voided: boolean;
}

export interface PaymentGateway {
  tokenize(request: TokenizeRequest): Promise<PaymentToken>;
  authorize(request: AuthorizeRequest): Promise<AuthorizeResult>;
  capture(request: CaptureRequest): Promise<{ captureId: string }>;
  void(request: VoidRequest): Promise<void>;
  refund(request: RefundRequest): Promise<{ refundId: string }>;
  /** The authorization made under the key, as it stands; undefined when none succeeded. Moves no money. */
  findAuthorization(request: AuthorizationLookup): Promise<HeldAuthorization | undefined>;
}

/** The provider could not be reached or failed transiently: safe to retry with the same key. */
export class PaymentGatewayUnavailableError extends Error {
  override readonly name = 'PaymentGatewayUnavailableError';
}

/** The token is unknown, expired, or belongs to another customer: retrying cannot help. */
export class InvalidPaymentTokenError extends Error {
  override readonly name = 'InvalidPaymentTokenError';
}
