/** Bearer JWT (HS256): `sub` is the customer id; operator routes need `role: "operator"`. */
import type { MiddlewareHandler } from 'hono';
import { verify } from 'hono/jwt';
import { ProblemError, problems } from './problem.js';

export interface AuthVariables {
  customerId: string;
  role: 'customer' | 'operator';
}

type AuthEnv = { Variables: AuthVariables };

export function requireAuth(secret: string): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const header = c.req.header('Authorization');
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match)
      throw new ProblemError(problems.unauthorized('Missing bearer token in the Authorization header'));
    let payload: Record<string, unknown>;
    try {
      payload = await verify(match[1]!, secret, 'HS256');
    } catch {
      throw new ProblemError(problems.unauthorized('The bearer token is invalid or expired'));
    }
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
