/** Shared by the API tests: shoppers, test cards, and the checkout steps most tests start from. */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { api, type RunningPlatform, tokenFor } from '../support/platform.js';

export const CARD_OK = { cardNumber: '4242424242424242', expMonth: 12, expYear: 2040, cvc: '123' };
export const CARD_DECLINED = { ...CARD_OK, cardNumber: '4000000000000002' };
export const ADDRESS = {
  name: 'Grace Hopper',
  line1: '7 Harbor Lane',
  city: 'Arlington',
  postalCode: '22201',
  country: 'us',
};

export interface Shopper {
  customerId: string;
  token: string;
}

export async function newShopper(): Promise<Shopper> {
  const customerId = `c-${randomUUID()}`;
  return { customerId, token: await tokenFor(customerId) };
}

export async function begin(
  platform: RunningPlatform,
  shopper: Shopper,
  cart: { itemId: string; quantity: number }[],
): Promise<{ orderId: string; paymentUrl: string; expiresAt: string }> {
  const res = await api(platform, 'POST', '/checkout?op=BEGIN', { token: shopper.token, body: { cart } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

export async function pay(platform: RunningPlatform, shopper: Shopper, paymentUrl: string, card = CARD_OK) {
  const res = await api(platform, 'POST', new URL(paymentUrl).pathname, {
    token: shopper.token,
    body: { paymentDetails: card, shippingAddress: ADDRESS },
  });
  assert.equal(res.status, 202, JSON.stringify(res.body));
  return res.body;
}

/** BEGIN, payment details, SUBMIT: a placed order's id. */
export async function placeOrder(
  platform: RunningPlatform,
  shopper: Shopper,
  cart: { itemId: string; quantity: number }[],
): Promise<string> {
  const { orderId, paymentUrl } = await begin(platform, shopper, cart);
  await pay(platform, shopper, paymentUrl);
  const submitted = await api(platform, 'POST', '/checkout?op=SUBMIT', {
    token: shopper.token,
    body: { orderId },
  });
  assert.equal(submitted.status, 200, JSON.stringify(submitted.body));
  return orderId;
}

export function assertProblem(
  res: { status: number; body: { type?: string }; headers: Headers },
  status: number,
  type: string,
): void {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.equal(res.headers.get('content-type'), 'application/problem+json');
  assert.equal(res.body.type, type, JSON.stringify(res.body));
}
