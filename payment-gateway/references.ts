/**
 * Gateway references of the simulator: deterministic from the idempotency key, so a repeated call answers
 * with the very same id and a lost response changes nothing for the caller.
 */
import { createHash } from 'node:crypto';

export type ReferencePrefix = 'auth' | 'cap' | 'void' | 'ref';

export function gatewayReference(prefix: ReferencePrefix, idempotencyKey: string): string {
  const digest = createHash('sha256').update(`${prefix}:${idempotencyKey}`).digest('hex');
  return `${prefix}_${digest.slice(0, 24)}`;
}
