/**
 * Bearer JWT (HS256): `sub` is the customer id; operator routes need `role: "operator"`. Every token must
 * expire (`exp`), and within the configured maximum lifetime of when it was issued: a leaked token is
 * only good for so long.
 */
import type { MiddlewareHandler } from 'hono';
import { verify } from 'hono/jwt';
import { ProblemError, problems } from './problem.js';

export interface AuthVariables {
  customerId: string;
  role: 'customer' | 'operator';
}

type AuthEnv = { Variables: AuthVariables };

export interface TokenPolicy {
  secret: string;
  /** Longest `exp` − `iat` accepted (from now, without `iat`). */
  maxLifetimeSeconds: number;
}

/** Why a verified token is still refused, or undefined when it may be used. */
function lifetimeProblem(payload: Record<string, unknown>, maxLifetimeSeconds: number): string | undefined {
  const { exp, iat } = payload;
  if (typeof exp !== 'number') return 'The bearer token has no `exp` (expiry)';
  const now = Math.floor(Date.now() / 1000);
  const issuedAt = typeof iat === 'number' ? Math.min(iat, now) : now;
  if (exp - issuedAt > maxLifetimeSeconds) {
    return `The bearer token lives longer than the ${maxLifetimeSeconds} s this API accepts`;
  }
  return undefined;
}

export function requireAuth({ secret, maxLifetimeSeconds }: TokenPolicy): MiddlewareHandler<AuthEnv> {
  // Imported once: given the secret as a string, `verify` imports it again on every request.
  const key = crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['verify'],
  );
  return async (c, next) => {
    const header = c.req.header('Authorization');
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match)
      throw new ProblemError(problems.unauthorized('Missing bearer token in the Authorization header'));
    let payload: Record<string, unknown>;
    try {
      payload = await verify(match[1]!, await key, 'HS256');
    } catch {
      throw new ProblemError(problems.unauthorized('The bearer token is invalid or expired'));
    }
    const refused = lifetimeProblem(payload, maxLifetimeSeconds);
    if (refused) throw new ProblemError(problems.unauthorized(refused));
    const sub = payload['sub'];
    if (typeof sub !== 'string' || !/^[\x21-\x7e]{1,128}$/.test(sub)) {
      throw new ProblemError(problems.unauthorized('The bearer token has no usable `sub` (customer id)'));
    }
    c.set('customerId', sub);
    c.set('role', payload['role'] === 'operator' ? 'operator' : 'customer');
    await next();
  };
}

export function requireOperator(): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    if (c.get('role') !== 'operator')
      throw new ProblemError(problems.forbidden('This route needs the operator role'));
    await next();
  };
}
