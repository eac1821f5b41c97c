/**
 * Mints a development bearer token: `npm run -s token -- <customerId> [--operator] [--hours N]`.
 * Signed with JWT_SECRET (the same default as the API), HS256.
 */
import { sign } from 'hono/jwt';
import { readVar } from '../config/env.js';

const args = process.argv.slice(2);
const customerId = args.find((a) => !a.startsWith('--'));
if (!customerId) {
  console.error('usage: npm run -s token -- <customerId> [--operator] [--hours N]');
  process.exit(2);
}
const hoursFlag = args.indexOf('--hours');
const hours = hoursFlag >= 0 ? Number(args[hoursFlag + 1]) : 24;
if (!Number.isFinite(hours) || hours <= 0) {
  console.error('--hours must be a positive number');
  process.exit(2);
}
const now = Math.floor(Date.now() / 1000);
const token = await sign(
  {
    sub: customerId,
    ...(args.includes('--operator') ? { role: 'operator' } : {}),
    iat: now,
    exp: now + Math.round(hours * 3600),
  },
  readVar('JWT_SECRET'),
  'HS256',
);
console.log(token);
