/**
 * POST /demo/token: a bearer token for whichever customer id the caller types, operator or not. It exists
 * only with DEMO_LOGIN=1 (which `npm start` sets for the storefront's sign-in page on this machine); with
 * it off the route is not there at all (404), so a production API can never hand out tokens.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { sign } from 'hono/jwt';
import { doNotStore } from '../cache-control.js';
import { newRouter } from '../router.js';
import { jsonBody, jsonContent, problemResponses } from '../schemas/common.js';

/** A demo session lasts a working day, or less when the API accepts shorter tokens only. */
const DEMO_TOKEN_SECONDS = 8 * 3600;

const DemoTokenRequestSchema = z
  .strictObject({
    customerId: z
      .string()
      .regex(/^[\x21-\x7e]{1,128}$/, '1–128 visible ASCII characters')
      .openapi({ example: 'c-42' }),
    operator: z.boolean().default(false),
  })
  .openapi('DemoTokenRequest');

const DemoTokenSchema = z
  .object({
    token: z.string(),
    customerId: z.string(),
    role: z.enum(['customer', 'operator']),
    expiresAt: z.iso.datetime(),
  })
  .openapi('DemoToken');

const demoToken = createRoute({
  method: 'post',
  path: '/demo/token',
  tags: ['Operations'],
  summary: 'A token for any customer id (DEMO_LOGIN=1 only: local demos and the storefront)',
  request: { body: jsonBody(DemoTokenRequestSchema) },
  responses: {
    200: jsonContent(DemoTokenSchema, 'A bearer token for the customer'),
    ...problemResponses(400, 413, 415),
  },
});

export function demoLoginRoutes(policy: { jwtSecret: string; jwtMaxLifetimeSeconds: number }) {
  const lifetime = Math.min(DEMO_TOKEN_SECONDS, policy.jwtMaxLifetimeSeconds);
  return newRouter().openapi(demoToken, async (c) => {
    const { customerId, operator } = c.req.valid('json');
    const now = Math.floor(Date.now() / 1000);
    const role = operator ? ('operator' as const) : ('customer' as const);
    const token = await sign(
      { sub: customerId, ...(operator ? { role } : {}), iat: now, exp: now + lifetime },
      policy.jwtSecret,
      'HS256',
    );
    doNotStore(c);
    return c.json(
      { token, customerId, role, expiresAt: new Date((now + lifetime) * 1000).toISOString() },
      200,
    );
  });
}
