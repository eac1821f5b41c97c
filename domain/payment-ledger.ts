/** Operations the payment gateway records, one ledger row per idempotency key. */
export const PAYMENT_OPERATIONS = ['AUTHORIZE', 'CAPTURE', 'VOID', 'REFUND'] as const;
export type PaymentOperation = (typeof PAYMENT_OPERATIONS)[number];

export const PAYMENT_OUTCOMES = ['SUCCEEDED', 'DECLINED', 'FAILED'] as const;
export type PaymentOutcome = (typeof PAYMENT_OUTCOMES)[number];
