/**
 * Drives orders through the HTTP API the way shoppers and warehouses do: begin, pay, submit, cancel,
 * and at the end ship and deliver every placed order so each one reaches a terminal state.
 */
import { randomUUID } from 'node:crypto';
import { sign } from 'hono/jwt';
import { pick } from '../../../db/seeded-random.js';
import type { HttpClient } from './http-client.js';

export type Intent = 'complete' | 'abandon' | 'cancel-before-payment' | 'decline' | 'cancel-after-payment';

export const INTENT_MIX: readonly Intent[] = [
  ...Array<Intent>(6).fill('complete'),
  'abandon',
  'cancel-before-payment',
  'decline',
  'cancel-after-payment',
];

const CARDS = {
  ok: { cardNumber: '4242424242424242', expMonth: 12, expYear: 2040, cvc: '123' },
  declined: { cardNumber: '4000000000000002', expMonth: 12, expYear: 2040, cvc: '123' },
};
const ADDRESSES = [
  { name: 'A', line1: '1 Main St', city: 'Newark', postalCode: '07102', country: 'US' },
  { name: 'B', line1: '2 Pine St', city: 'Reno', postalCode: '89501', country: 'US' },
  { name: 'C', line1: '3 Oak St', city: 'Chicago', postalCode: '60601', country: 'US' },
];

export interface TrackedOrder {
  orderId: string;
  customerId: string;
  token: string;
  intent: Intent;
  /** What the API last told the shopper. */
  lastStatus: string;
}

export interface DriverStats {
  begun: number;
  acknowledged: number;
  refusedOutOfStock: number;
  retries: number;
  /** Steps that gave up (an HTTP deadline passed): the order is still checked, never dropped. */
  gaveUp: number;
}

export class ShopperDriver {
  readonly orders: TrackedOrder[] = [];
  readonly stats: DriverStats = { begun: 0, acknowledged: 0, refusedOutOfStock: 0, retries: 0, gaveUp: 0 };

  constructor(
    private readonly http: HttpClient,
    private readonly jwtSecret: string,
    private readonly random: () => number,
  ) {}

  async token(customerId: string, role?: 'operator'): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return sign(
      { sub: customerId, ...(role ? { role } : {}), iat: now, exp: now + 6 * 3600 },
      this.jwtSecret,
      'HS256',
    );
  }

  /** One shopper's whole journey. Returns the tracked order, or undefined when the checkout was refused. */
  async shop(
    itemIds: readonly string[],
    intent: Intent = pick(this.random, INTENT_MIX),
    singleUnit = false,
  ): Promise<TrackedOrder | undefined> {
    const customerId = `shopper-${randomUUID()}`;
    const token = await this.token(customerId);
    const cart = singleUnit
      ? [{ itemId: pick(this.random, itemIds), quantity: 1 }]
      : this.randomCart(itemIds);
    this.stats.begun++;
    const begun = await this.http.send('POST', '/checkout?op=BEGIN', {
      token,
      body: { cart },
      headers: { 'Idempotency-Key': randomUUID() },
    });
    if (begun.status === 409) {
      this.stats.refusedOutOfStock++;
      return undefined;
    }
    if (begun.status !== 201)
      throw new Error(`BEGIN answered ${begun.status}: ${JSON.stringify(begun.body)}`);
    const order: TrackedOrder = {
      orderId: begun.body.orderId,
      customerId,
      token,
      intent,
      lastStatus: 'RESERVED',
    };
    this.orders.push(order);
    this.stats.acknowledged++;
    await this.continueJourney(order, new URL(begun.body.paymentUrl).pathname).catch(() => {
      this.stats.gaveUp++;
    });
    return order;
  }

  private randomCart(itemIds: readonly string[]) {
    const lineCount = 1 + Math.floor(this.random() * 2);
    const chosen = [...new Set(Array.from({ length: lineCount }, () => pick(this.random, itemIds)))];
    return chosen.map((itemId) => ({ itemId, quantity: 1 + Math.floor(this.random() * 2) }));
  }

  private async continueJourney(order: TrackedOrder, paymentPath: string): Promise<void> {
    const { token, orderId, intent } = order;
    if (intent === 'abandon') return;
    if (intent === 'cancel-before-payment') {
      const res = await this.http.send('POST', '/checkout?op=CANCEL', { token, body: { orderId } });
      order.lastStatus = statusOf(res.body) ?? order.lastStatus;
      return;
    }
    const paid = await this.http.send('POST', paymentPath, {
      token,
      body: {
        paymentDetails: intent === 'decline' ? CARDS.declined : CARDS.ok,
        shippingAddress: pick(this.random, ADDRESSES),
      },
    });
    if (paid.status !== 202) return; // expired or cancelled meanwhile: the order still gets checked
    const submitted = await this.http.send('POST', '/checkout?op=SUBMIT', { token, body: { orderId } });
    order.lastStatus = statusOf(submitted.body) ?? order.lastStatus;
    if (intent === 'cancel-after-payment' && submitted.status === 200) {
      const res = await this.http.send('POST', '/checkout?op=CANCEL', { token, body: { orderId } });
      order.lastStatus = statusOf(res.body) ?? order.lastStatus;
    }
  }

  /** Ships and delivers every suborder of every placed order, so fulfillment completes. */
  async fulfilAll(concurrency = 16): Promise<void> {
    const operator = await this.token('warehouse-ops', 'operator');
    const queue = [...this.orders];
    const worker = async () => {
      for (let order = queue.shift(); order; order = queue.shift()) {
        await this.fulfil(order, operator).catch(() => {
          this.stats.gaveUp++;
        });
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  }

  private async fulfil(order: TrackedOrder, operator: string): Promise<void> {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const view = await this.http.send('GET', `/orders/${order.orderId}`, { token: order.token });
      const status = statusOf(view.body) ?? 'UNKNOWN';
      order.lastStatus = status;
      if (!['PENDING', 'PARTIALLY_SHIPPED', 'SHIPPED'].includes(status)) return;
      const suborders: { suborderId: string; status: string }[] = view.body.suborders ?? [];
      if (suborders.length === 0) {
        // Paid but not yet split: the fulfillment workflow is still allocating.
        if (Date.now() > deadline) throw new Error(`order ${order.orderId} never split`);
        await new Promise((resolve) => setTimeout(resolve, 500));
        continue;
      }
      for (const suborder of suborders) {
        if (suborder.status === 'ALLOCATED') {
          await this.http.send('POST', `/admin/suborders/${suborder.suborderId}/ship`, { token: operator });
        }
      }
      for (const suborder of suborders) {
        if (suborder.status !== 'DELIVERED' && suborder.status !== 'CANCELLED') {
          await this.http.send('POST', `/admin/suborders/${suborder.suborderId}/deliver`, {
            token: operator,
          });
        }
      }
      if (Date.now() > deadline) throw new Error(`order ${order.orderId} not delivered in time`);
    }
  }
}

/** The order status in an answer; problem bodies carry an HTTP status number instead. */
function statusOf(body: unknown): string | undefined {
  const status = (body as { status?: unknown } | undefined)?.status;
  return typeof status === 'string' ? status : undefined;
}
