/** The shopper's side of checkout over HTTP, step by step: for the start-up smoke test and stack tests. */
import { execFileSync } from 'node:child_process';
import { PROJECT_ROOT } from './project-paths.js';

export interface Answer {
  status: number;
  body: Record<string, unknown> | undefined;
}

export class ShopperClient {
  constructor(
    readonly api: string,
    private readonly token: string,
  ) {}

  /** A client with a development token for `customerId`, minted as `npm run token` does. */
  static forCustomer(api: string, customerId: string, env: NodeJS.ProcessEnv = process.env): ShopperClient {
    const token = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/mint-token.ts', customerId], {
      cwd: PROJECT_ROOT,
      env,
      encoding: 'utf8',
    }).trim();
    return new ShopperClient(api, token);
  }

  async call(method: string, url: string, body?: unknown): Promise<Answer> {
    const res = await fetch(url.startsWith('http') ? url : `${this.api}${url}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  async itemInStock(): Promise<string> {
    const { body } = await this.call('GET', '/items?limit=20');
    const items = (body?.['items'] ?? []) as { itemId: string; available: number }[];
    const item = items.find((i) => i.available > 0);
    if (!item) throw new Error(`no item in stock: ${JSON.stringify(body).slice(0, 300)}`);
    return item.itemId;
  }

  begin(itemId: string, quantity = 1): Promise<Answer> {
    return this.call('POST', '/checkout?op=BEGIN', { cart: [{ itemId, quantity }] });
  }

  pay(paymentUrl: string): Promise<Answer> {
    return this.call('POST', paymentUrl, {
      paymentDetails: { cardNumber: '4242424242424242', expMonth: 12, expYear: 2030, cvc: '123' },
      shippingAddress: {
        name: 'Test Shopper',
        line1: '1 Main St',
        city: 'Newark',
        postalCode: '07102',
        country: 'US',
      },
    });
  }

  submit(orderId: string): Promise<Answer> {
    return this.call('POST', '/checkout?op=SUBMIT', { orderId });
  }
}

/** Throws with the answer when its status is not the one expected. */
export function expectStatus(step: string, answer: Answer, status: number): Record<string, unknown> {
  if (answer.status !== status) {
    throw new Error(`${step} answered ${answer.status}, not ${status}: ${JSON.stringify(answer.body)}`);
  }
  return answer.body ?? {};
}
