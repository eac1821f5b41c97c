import { bigint, check, index, pgTable, text } from 'drizzle-orm/pg-core';
import { PAYMENT_OPERATIONS, PAYMENT_OUTCOMES } from '../../domain/payment-ledger.js';
import { createdAtColumn, isOneOf, nonNegative } from './columns.js';

/**
 * Append-only payment ledger, sharded by customer_id and keyed by the gateway call's idempotency key.
 * Rows are never updated, so they carry no version.
 */
export const payments = pgTable(
  'payments',
  {
    idempotencyKey: text('idempotency_key').primaryKey(),
    customerId: text('customer_id').notNull(),
    orderId: text('order_id').notNull(),
    operation: text('operation', { enum: PAYMENT_OPERATIONS }).notNull(),
    amountCents: bigint('amount_cents', { mode: 'number' }).notNull(),
    outcome: text('outcome', { enum: PAYMENT_OUTCOMES }).notNull(),
    gatewayReference: text('gateway_reference'),
    failureReason: text('failure_reason'),
    createdAt: createdAtColumn(),
  },
  (t) => [
    nonNegative('payments_amount_non_negative', t.amountCents),
    check('payments_operation_valid', isOneOf(t.operation, PAYMENT_OPERATIONS)),
    check('payments_outcome_valid', isOneOf(t.outcome, PAYMENT_OUTCOMES)),
    index('payments_order_idx').on(t.orderId),
  ],
);
