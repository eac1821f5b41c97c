import { and, asc, eq } from 'drizzle-orm';
import type { PaymentOperation, PaymentOutcome } from '../../domain/payment-ledger.js';
import { IdempotencyKeyConflictError } from '../errors.js';
import { assertCents, assertId } from '../input-checks.js';
import { payments } from '../schema.js';
import type { ShardSet } from '../shard-set.js';

export interface PaymentEntryInput {
  customerId: string;
  orderId: string;
  operation: PaymentOperation;
  amountCents: number;
  outcome: PaymentOutcome;
  gatewayReference?: string | null;
  failureReason?: string | null;
}

export interface PaymentEntry extends Required<PaymentEntryInput> {
  idempotencyKey: string;
  createdAt: Date;
}

export interface PaymentLedgerRepository {
  /**
   * Records the outcome of one gateway call under its idempotency key, on the customer's shard. The first
   * record wins: a repeat returns it with `created: false`, so a retried charge never counts twice. A key
   * reused for another order, operation or amount is an IdempotencyKeyConflictError.
   */
  recordOnce(
    idempotencyKey: string,
    entry: PaymentEntryInput,
  ): Promise<{ entry: PaymentEntry; created: boolean }>;
  find(customerId: string, idempotencyKey: string): Promise<PaymentEntry | undefined>;
  listForOrder(customerId: string, orderId: string): Promise<PaymentEntry[]>;
}

export function createPaymentLedgerRepository({ shardSet }: { shardSet: ShardSet }): PaymentLedgerRepository {
  return {
    async recordOnce(idempotencyKey, input) {
      assertId(idempotencyKey, 'idempotencyKey');
      assertId(input.customerId, 'customerId');
      assertId(input.orderId, 'orderId');
      assertCents(input.amountCents, 'amountCents');
      const { db } = shardSet.forCustomer(input.customerId);
      const [inserted] = await db
        .insert(payments)
        .values({
          idempotencyKey,
          ...input,
          gatewayReference: input.gatewayReference ?? null,
          failureReason: input.failureReason ?? null,
        })
        .onConflictDoNothing()
        .returning();
      if (inserted) return { entry: inserted, created: true };

      const [existing] = await db.select().from(payments).where(eq(payments.idempotencyKey, idempotencyKey));
      if (!existing) throw new Error(`payment ${idempotencyKey} vanished after a conflicting insert`);
      const differs = (['customerId', 'orderId', 'operation', 'amountCents'] as const).filter(
        (field) => existing[field] !== input[field],
      );
      if (differs.length > 0)
        throw new IdempotencyKeyConflictError(idempotencyKey, `different ${differs.join(', ')}`);
      return { entry: existing, created: false };
    },

    async find(customerId, idempotencyKey) {
      const { db } = shardSet.forCustomer(customerId);
      const [entry] = await db
        .select()
        .from(payments)
        .where(and(eq(payments.idempotencyKey, idempotencyKey), eq(payments.customerId, customerId)));
      return entry;
    },

    async listForOrder(customerId, orderId) {
      const { db } = shardSet.forCustomer(customerId);
      return db
        .select()
        .from(payments)
        .where(and(eq(payments.orderId, orderId), eq(payments.customerId, customerId)))
        .orderBy(asc(payments.createdAt), asc(payments.idempotencyKey));
    },
  };
}
