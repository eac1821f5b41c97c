/**
 * One shopper's checkout over HTTP, timed step by step: BEGIN → POST the payment URL → SUBMIT. No
 * retries: every answer counts as it came, and a 5xx or a failed request is an error of the run.
 */
import { randomUUID } from 'node:crypto';
import { sign } from 'hono/jwt';
import type { LatencyRecorder } from './latency.js';

export type CheckoutStep = 'begin' | 'payment' | 'submit';
export const CHECKOUT_STEPS: readonly CheckoutStep[] = ['begin', 'payment', 'submit'];

export type JourneyOutcome =
  | { kind: 'placed'; orderId: string }
  | { kind: 'short' }
  /** Began but not paid (the open-orders phase). */
  | { kind: 'open'; orderId: string }
  | { kind: 'error'; step: CheckoutStep; status: number | 'failed'; detail: string };

const CARD = { cardNumber: '4242424242424242', expMonth: 12, expYear: 2040, cvc: '123' };
const ADDRESS = {
  name: 'Bench Shopper',
  line1: '1 Main St',
  city: 'Newark',
  postalCode: '07102',
  country: 'US',
};
/** Generous: a slow answer is a measurement, not an error. Node's fetch itself waits 5 minutes for headers. */
const REQUEST_TIMEOUT_MS = 300_000;

export async function mintToken(jwtSecret: string, customerId: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return sign({ sub: customerId, iat: now, exp: now + 24 * 3600 }, jwtSecret, 'HS256');
}

export interface Answer {
  status: number | 'failed';
  // biome-ignore lint/suspicious/noExplicitAny: answers of several shapes, read field by field
  body: any;
}

export class Shopper {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly latency: LatencyRecorder<CheckoutStep>,
    /** Told when each answer arrives, with its status (the flash sale times the last answers of each kind). */
    private readonly onAnswer?: (step: CheckoutStep, status: Answer['status']) => void,
  ) {}

  private async post(step: CheckoutStep, pathAndQuery: string, body: unknown, headers = {}): Promise<Answer> {
    const answer = await this.latency.time(step, async (): Promise<Answer> => {
      try {
        const res = await fetch(`${this.baseUrl}${pathAndQuery}`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${this.token}`, 'Content-Type': 'application/json', ...headers },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        const text = await res.text();
        return { status: res.status, body: text ? safeJson(text) : undefined };
      } catch (error) {
        return { status: 'failed', body: error instanceof Error ? error.message : String(error) };
      }
    });
    this.onAnswer?.(step, answer.status);
    return answer;
  }

  /** BEGIN for `cart`; then, unless `pay` is false, payment and SUBMIT. */
  async checkout(cart: { itemId: string; quantity: number }[], pay = true): Promise<JourneyOutcome> {
    const begun = await this.post(
      'begin',
      '/checkout?op=BEGIN',
      { cart },
      { 'Idempotency-Key': randomUUID() },
    );
    if (begun.status === 409 && begun.body?.type?.endsWith('out-of-stock')) return { kind: 'short' };
    if (begun.status !== 201) return failure('begin', begun);
    const { orderId, paymentUrl } = begun.body as { orderId: string; paymentUrl: string };
    if (!pay) return { kind: 'open', orderId };
    const paid = await this.post('payment', new URL(paymentUrl).pathname, {
      paymentDetails: CARD,
      shippingAddress: ADDRESS,
    });
    if (paid.status !== 202) return failure('payment', paid);
    const submitted = await this.post('submit', '/checkout?op=SUBMIT', { orderId });
    if (submitted.status !== 200 || submitted.body?.status !== 'PENDING') return failure('submit', submitted);
    return { kind: 'placed', orderId };
  }
}

function failure(step: CheckoutStep, answer: Answer): JourneyOutcome {
  const detail = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
  return { kind: 'error', step, status: answer.status, detail: (detail ?? '').slice(0, 300) };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
