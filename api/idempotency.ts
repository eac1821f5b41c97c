/**
 * Idempotency-Key for BEGIN. The order id is derived from (customer, key), so the order workflow's id
 * `order-{orderId}` is itself the record of the key: Temporal holds one workflow per id. A fingerprint of
 * the request rides in the workflow's memo, to tell "same request again" from "same key, other request".
 */
import { createHash } from 'node:crypto';
import { compareIds } from '../domain/id-order.js';

export function orderIdForKey(customerId: string, key: string): string {
  const digest = createHash('sha256').update(customerId).update('\0').update(key).digest('hex');
  return `ord_${digest.slice(0, 32)}`;
}

/** Lines in item order, so the same cart in another order is the same request. */
export function beginFingerprint(cart: readonly { itemId: string; quantity: number }[] | undefined): string {
  const canonical =
    cart === undefined
      ? null
      : [...cart].sort((a, b) => compareIds(a.itemId, b.itemId)).map((l) => [l.itemId, l.quantity]);
  return createHash('sha256')
    .update(JSON.stringify({ cart: canonical }))
    .digest('hex');
}
