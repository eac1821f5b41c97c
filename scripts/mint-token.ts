/**
 * Mints a development bearer token: `npm run -s token -- <customerId> [--operator] [--hours N]`.
 * Signed with JWT_SECRET (the same default as the API), HS256; it expires (`exp`) within the API's
 * JWT_MAX_LIFETIME_SECONDS.
 */
import { parseArgs } from 'node:util';
import { sign } from 'hono/jwt';
import { readVar } from '../config/env.js';

const USAGE = 'usage: npm run -s token -- <customerId> [--operator] [--hours N]';

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

function parse() {
  return parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    options: { operator: { type: 'boolean', default: false }, hours: { type: 'string', default: '24' } },
  });
}
let parsed: ReturnType<typeof parse>;
try {
  parsed = parse();
} catch (error) {
  fail(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
}

const [customerId, ...extra] = parsed.positionals;
if (!customerId || extra.length > 0) fail(USAGE);
// The API accepts visible ASCII only in `sub`.
if (!/^[\x21-\x7e]{1,128}$/.test(customerId)) fail('the customer id must be 1–128 visible ASCII characters');
const hours = Number(parsed.values.hours);
if (!Number.isFinite(hours) || hours <= 0) fail('--hours must be a positive number');
const maxSeconds = Number(readVar('JWT_MAX_LIFETIME_SECONDS'));
if (Math.round(hours * 3600) > maxSeconds) {
  fail(`--hours ${hours} is longer than the API accepts (JWT_MAX_LIFETIME_SECONDS=${maxSeconds})`);
}

const now = Math.floor(Date.now() / 1000);
const token = await sign(
  {
    sub: customerId,
    ...(parsed.values.operator ? { role: 'operator' } : {}),
    iat: now,
    exp: now + Math.round(hours * 3600),
  },
  readVar('JWT_SECRET'),
  'HS256',
);
console.log(token);
