/**
 * Stateless, signed payment tokens: `tok_<base64url(JSON claims)>.<base64url(HMAC-SHA256)>`. The claims hold
 * the customer, how the simulator treats the card, its brand, last four digits and the token's expiry —
 * never the card number, expiry date or CVC — so a token can travel through workflow history and logs.
 * Whoever holds the secret (the API issuing, the order worker redeeming) can check one without storage.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { CardBehaviour } from './card.js';
import { InvalidPaymentTokenError } from './gateway.js';

const PREFIX = 'tok_';
const VERSION = 1;
const BEHAVIOURS: readonly CardBehaviour[] = ['approve', 'decline', 'transient'];

export interface TokenClaims {
  customerId: string;
  behaviour: CardBehaviour;
  brand: string;
  last4: string;
  /** Epoch ms after which the token is refused. */
  expiresAt: number;
}

/** The wire form of the claims: short keys keep tokens short. */
interface WireClaims {
  v: typeof VERSION;
  c: string;
  k: CardBehaviour;
  b: string;
  l: string;
  x: number;
}

export interface TokenCodec {
  issue(claims: TokenClaims): string;
  /** The token's claims if it is well formed, signed with our secret, the customer's and not expired. */
  verify(token: string, customerId: string, now: number): TokenClaims;
}

export function createTokenCodec({ secret }: { secret: string }): TokenCodec {
  if (secret.length === 0) throw new RangeError('the payment token secret must not be empty');
  const sign = (payload: string): Buffer => createHmac('sha256', secret).update(payload).digest();

  return {
    issue({ customerId, behaviour, brand, last4, expiresAt }) {
      const wire: WireClaims = { v: VERSION, c: customerId, k: behaviour, b: brand, l: last4, x: expiresAt };
      const payload = Buffer.from(JSON.stringify(wire)).toString('base64url');
      return `${PREFIX}${payload}.${sign(payload).toString('base64url')}`;
    },

    verify(token, customerId, now) {
      const claims = parse(token, sign);
      if (claims.customerId !== customerId) {
        throw new InvalidPaymentTokenError('the payment token belongs to another customer');
      }
      if (claims.expiresAt <= now) throw new InvalidPaymentTokenError('the payment token has expired');
      return claims;
    },
  };
}

function parse(token: string, sign: (payload: string) => Buffer): TokenClaims {
  const malformed = () => new InvalidPaymentTokenError('the payment token is malformed or not ours');
  if (typeof token !== 'string' || !token.startsWith(PREFIX) || token.length > 2_000) throw malformed();
  const parts = token.slice(PREFIX.length).split('.');
  const [payload, signature] = parts;
  if (parts.length !== 2 || !payload || !signature) throw malformed();
  const expected = sign(payload);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw malformed();

  let wire: unknown;
  try {
    wire = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw malformed();
  }
  if (!isWireClaims(wire)) throw malformed();
  return { customerId: wire.c, behaviour: wire.k, brand: wire.b, last4: wire.l, expiresAt: wire.x };
}

function isWireClaims(value: unknown): value is WireClaims {
  if (typeof value !== 'object' || value === null) return false;
  const claims = value as Record<string, unknown>;
  return (
    claims['v'] === VERSION &&
    typeof claims['c'] === 'string' &&
    BEHAVIOURS.includes(claims['k'] as CardBehaviour) &&
    typeof claims['b'] === 'string' &&
    typeof claims['l'] === 'string' &&
    typeof claims['x'] === 'number' &&
    Number.isFinite(claims['x'])
  );
}
