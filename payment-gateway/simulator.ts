/**
 * The built-in payment gateway: a simulated provider whose durable state is the payments ledger on the
 * customer's shard. Every money-moving call is recorded once under its idempotency key, and a repeat
 * answers from that record, so a retried activity never charges, captures or refunds twice — even when the
 * injected faults lose a response after the effect was recorded.
 *
 * A call goes: latency → maybe an outage (nothing happens) → the recorded answer if the key was seen, else
 * the checks and the effect, recorded once → maybe a lost response (the effect stays). Tokenize only
 * validates and signs; it has no latency or faults because it records nothing and the API calls it inline.
 * A lookup (findAuthorization) records nothing either, but has the latency and the outage of a call.
 *
 * Capture, void and refund are checked against the order's ledger rows before they are recorded; the check
 * and the record are not one transaction, so two concurrent calls with different keys for one order could
 * both pass. The order workflow makes an order's payment calls one at a time, with one key per operation.
 */
import { IdempotencyKeyConflictError } from '../db/errors.js';
import { assertId } from '../db/input-checks.js';
import type {
  PaymentEntry,
  PaymentEntryInput,
  PaymentLedgerRepository,
} from '../db/repositories/payment-ledger-repository.js';
import type { PaymentOperation } from '../domain/payment-ledger.js';
import { authorizationState, PaymentStateError } from './authorization-state.js';
import { validateCard } from './card.js';
import { createFaultInjector } from './faults.js';
import {
  type AuthorizeRequest,
  type AuthorizeResult,
  type PaymentGateway,
  PaymentGatewayUnavailableError,
} from './gateway.js';
import { gatewayReference, type ReferencePrefix } from './references.js';
import { createTokenCodec } from './token.js';
import { createTransientFailures } from './transient-card.js';

export { PaymentStateError } from './authorization-state.js';
export { InvalidCardError, TEST_CARDS } from './card.js';

export const DEFAULT_TOKEN_TTL_MS = 60 * 60 * 1000;
export const DECLINE_REASON = 'card_declined';

export interface SimulatedGatewayDeps {
  ledger: PaymentLedgerRepository;
  tokenSecret: string;
  /** Added to every authorize, capture, void and refund. */
  latencyMs: number;
  /** 0–1: chance of an outage before a call takes effect, and again of a lost response after it. */
  failureRate: number;
  /** While a file exists at this path, the provider is down (see faults.ts). */
  outageFile?: string;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Epoch ms; card expiry and token expiry are judged by it. */
  now?: () => number;
  /** How long a token can be redeemed; one hour unless told. */
  tokenTtlMs?: number;
}

interface Effect {
  operation: PaymentOperation;
  orderId: string;
  /** Compared on a repeat; absent where the amount is derived (a void releases what was authorized). */
  amountCents?: number;
}

const PREFIX: Record<PaymentOperation, ReferencePrefix> = {
  AUTHORIZE: 'auth',
  CAPTURE: 'cap',
  VOID: 'void',
  REFUND: 'ref',
};

export function createSimulatedGateway(deps: SimulatedGatewayDeps): PaymentGateway {
  const { ledger } = deps;
  const now = deps.now ?? Date.now;
  const tokenTtlMs = deps.tokenTtlMs ?? DEFAULT_TOKEN_TTL_MS;
  const tokens = createTokenCodec({ secret: deps.tokenSecret });
  const faults = createFaultInjector(deps);
  const transientCard = createTransientFailures({ failures: 2 });

  /** The row an earlier call with this key recorded, if any; a key reused for another effect is refused. */
  async function recorded(
    customerId: string,
    key: string,
    effect: Effect,
  ): Promise<PaymentEntry | undefined> {
    const entry = await ledger.find(customerId, key);
    if (!entry) return undefined;
    const differs = [
      entry.operation !== effect.operation && 'operation',
      entry.orderId !== effect.orderId && 'orderId',
      effect.amountCents !== undefined && entry.amountCents !== effect.amountCents && 'amountCents',
    ].filter((field): field is string => field !== false);
    if (differs.length > 0) throw new IdempotencyKeyConflictError(key, `different ${differs.join(', ')}`);
    return entry;
  }

  /** Runs one gateway call with latency and injected faults around "answer from the ledger or act once". */
  async function call(
    customerId: string,
    key: string,
    effect: Effect,
    act: () => Promise<PaymentEntry>,
  ): Promise<PaymentEntry> {
    const operation = effect.operation.toLowerCase();
    await faults.beforeEffect(operation);
    const entry =
      (await recorded(customerId, key, effect)) ?? (await actOrAnswer(customerId, key, effect, act));
    faults.afterEffect(operation);
    return entry;
  }

  /**
   * Acts, unless a concurrent call with the same key acted first: its effect then makes the checks refuse
   * this one (a capture finds the authorization captured), and the caller gets the recorded answer, as a
   * provider's idempotency key promises. A caller's retried attempt can overlap the one it gave up on.
   */
  async function actOrAnswer(
    customerId: string,
    key: string,
    effect: Effect,
    act: () => Promise<PaymentEntry>,
  ): Promise<PaymentEntry> {
    try {
      return await act();
    } catch (error) {
      if (!(error instanceof PaymentStateError)) throw error;
      const concurrent = await recorded(customerId, key, effect);
      if (concurrent) return concurrent;
      throw error;
    }
  }

  async function record(key: string, input: PaymentEntryInput): Promise<PaymentEntry> {
    return (await ledger.recordOnce(key, input)).entry;
  }

  const succeeded = (key: string, input: Omit<PaymentEntryInput, 'outcome' | 'gatewayReference'>) =>
    record(key, {
      ...input,
      outcome: 'SUCCEEDED',
      gatewayReference: gatewayReference(PREFIX[input.operation], key),
    });

  async function stateOf(customerId: string, orderId: string, authorizationId: string) {
    return authorizationState(await ledger.listForOrder(customerId, orderId), orderId, authorizationId);
  }

  async function authorizeOnce(request: AuthorizeRequest): Promise<PaymentEntry> {
    const { idempotencyKey: key, customerId, orderId, amountCents } = request;
    const card = tokens.verify(request.paymentToken, customerId, now());
    if (card.behaviour === 'transient' && transientCard.shouldFail(key)) {
      throw new PaymentGatewayUnavailableError('simulated issuer outage (transient test card)');
    }
    const base = { customerId, orderId, operation: 'AUTHORIZE', amountCents } as const;
    const entry =
      card.behaviour === 'decline'
        ? await record(key, { ...base, outcome: 'DECLINED', failureReason: DECLINE_REASON })
        : await succeeded(key, base);
    transientCard.forget(key);
    return entry;
  }

  return {
    async tokenize({ customerId, card }) {
      assertId(customerId, 'customerId');
      const valid = validateCard(card, now());
      const paymentToken = tokens.issue({
        customerId,
        behaviour: valid.behaviour,
        brand: valid.brand,
        last4: valid.last4,
        expiresAt: now() + tokenTtlMs,
      });
      return { paymentToken, brand: valid.brand, last4: valid.last4 };
    },

    async authorize(request) {
      const { idempotencyKey: key, customerId, orderId, amountCents } = request;
      assertRequest(key, customerId, orderId, amountCents);
      const entry = await call(customerId, key, { operation: 'AUTHORIZE', orderId, amountCents }, () =>
        authorizeOnce(request),
      );
      return authorizeResult(entry);
    },

    async capture({ idempotencyKey: key, customerId, orderId, authorizationId, amountCents }) {
      assertRequest(key, customerId, orderId, amountCents);
      const entry = await call(customerId, key, { operation: 'CAPTURE', orderId, amountCents }, async () => {
        const state = await stateOf(customerId, orderId, authorizationId);
        if (state.voided) throw new PaymentStateError(`authorization ${authorizationId} was voided`);
        if (state.captures > 0)
          throw new PaymentStateError(`authorization ${authorizationId} is already captured`);
        if (amountCents > state.authorizedCents) {
          throw new PaymentStateError(
            `capture of ${amountCents} cents exceeds the ${state.authorizedCents} cents authorized`,
          );
        }
        return succeeded(key, { customerId, orderId, operation: 'CAPTURE', amountCents });
      });
      return { captureId: referenceOf(entry) };
    },

    async void({ idempotencyKey: key, customerId, orderId, authorizationId }) {
      assertRequest(key, customerId, orderId, 0);
      await call(customerId, key, { operation: 'VOID', orderId }, async () => {
        const state = await stateOf(customerId, orderId, authorizationId);
        if (state.captures > 0) {
          throw new PaymentStateError(`authorization ${authorizationId} is captured: refund it instead`);
        }
        return succeeded(key, { customerId, orderId, operation: 'VOID', amountCents: state.authorizedCents });
      });
    },

    async refund({ idempotencyKey: key, customerId, orderId, authorizationId, amountCents }) {
      assertRequest(key, customerId, orderId, amountCents);
      const entry = await call(customerId, key, { operation: 'REFUND', orderId, amountCents }, async () => {
        const state = await stateOf(customerId, orderId, authorizationId);
        const refundable = state.capturedCents - state.refundedCents;
        if (amountCents > refundable) {
          throw new PaymentStateError(
            `refund of ${amountCents} cents exceeds the ${refundable} cents refundable`,
          );
        }
        return succeeded(key, { customerId, orderId, operation: 'REFUND', amountCents });
      });
      return { refundId: referenceOf(entry) };
    },

    async findAuthorization({ idempotencyKey: key, customerId, orderId }) {
      assertRequest(key, customerId, orderId, 0);
      await faults.beforeEffect('lookup');
      const entry = await recorded(customerId, key, { operation: 'AUTHORIZE', orderId });
      if (entry?.outcome !== 'SUCCEEDED') return undefined;
      const authorizationId = referenceOf(entry);
      const state = await stateOf(customerId, orderId, authorizationId);
      const { capturedCents, refundedCents, voided } = state;
      return { authorizationId, capturedCents, refundedCents, voided };
    },
  };
}

/** Caller bugs, not outcomes: RangeError like the repositories' own input checks. */
function assertRequest(key: string, customerId: string, orderId: string, amountCents: number): void {
  assertId(key, 'idempotencyKey');
  assertId(customerId, 'customerId');
  assertId(orderId, 'orderId');
  if (!Number.isSafeInteger(amountCents) || amountCents < 0) {
    throw new RangeError(`amountCents must be a non-negative integer number of cents, got ${amountCents}`);
  }
}

function authorizeResult(entry: PaymentEntry): AuthorizeResult {
  if (entry.outcome === 'SUCCEEDED' && entry.gatewayReference) {
    return { status: 'AUTHORIZED', authorizationId: entry.gatewayReference };
  }
  return { status: 'DECLINED', reason: entry.failureReason ?? 'declined' };
}

function referenceOf(entry: PaymentEntry): string {
  if (!entry.gatewayReference) {
    throw new PaymentStateError(`ledger row ${entry.idempotencyKey} has no gateway reference`);
  }
  return entry.gatewayReference;
}
