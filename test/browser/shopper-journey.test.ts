/**
 * A shopper in real Chromium: search as you type, the item page, the cart, checkout with its countdown,
 * payment with the OK and the declined card, and a refusal in words; stock is checked on the shards.
 */
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { begin, CARD_DECLINED, CARD_OK, newShopper } from '../api/support.js';
import { eventually, stockCounters } from '../support/catalog-fixture.js';
import { api, tokenFor } from '../support/platform.js';
import { usePlatform } from '../support/platform-suite.js';
import { launchChromium, openStore, screenshot, signIn } from './browser.js';
import {
  addToCart,
  checkOut,
  fillPayment,
  newCustomerId,
  openItem,
  seedItem,
  textOf,
} from './shopper-steps.js';

describe('storefront: shopper journey', function () {
  this.timeout(180_000);
  const live = usePlatform({ env: { DEMO_LOGIN: '1' } });
  let browser: Browser;
  before(async () => {
    browser = await launchChromium();
  });
  after(async () => browser?.close());

  const available = async (itemId: string) => (await stockCounters(live.db.repos, itemId)).available;

  async function shopper(): Promise<{ page: Page; customerId: string; close: () => Promise<void> }> {
    const { context, page } = await openStore(browser, live.platform.baseUrl);
    const customerId = newCustomerId();
    await signIn(page, customerId);
    return { page, customerId, close: () => context.close() };
  }

  it('finds an item as they type, adds 2, checks out and pays: the order is PENDING, 2 units sold', async () => {
    const item = await seedItem(live.db.repos, { 'wh-east': 5 });
    const { page, customerId, close } = await shopper();
    try {
      const rows = page.locator('ul.results li');
      await page.getByRole('searchbox', { name: 'Search' }).pressSequentially(item.word, { delay: 40 });
      await page.waitForURL(new RegExp(`#/\\?q=${item.word}$`));
      await eventually(
        () => rows.allTextContents(),
        (texts) => texts.length === 1,
        { timeoutMs: 10_000, intervalMs: 100 },
      );
      assert.deepEqual(await rows.allTextContents(), [`${item.name} $24.50 · 5 in stock`]);
      assert.equal(await textOf(page.getByRole('status')), '1 item shown');
      const link = page.getByRole('link', { name: item.name, exact: true });
      await screenshot(page, 'search');

      await link.click();
      await page.getByRole('heading', { name: item.name }).waitFor();
      assert.equal(await textOf(page.getByTestId('stock')), '5 in stock');
      await addToCart(page, 2);
      await screenshot(page, 'item');

      const orderId = await checkOut(page);
      const timer = page.getByRole('timer');
      const first = await textOf(timer);
      assert.match(first, /^0[45]:[0-5][0-9]$/);
      const later = await eventually(
        () => textOf(timer),
        (text) => text !== first,
        { timeoutMs: 5_000, intervalMs: 100 },
      );
      assert.ok(later < first, `the countdown goes down: ${first} then ${later}`);
      assert.equal(await available(item.itemId), 3, 'BEGIN holds the 2 units');
      await fillPayment(page, CARD_OK.cardNumber);
      await page.evaluate('window.scrollTo(0, 0)');
      await screenshot(page, 'checkout');

      await page.getByRole('button', { name: 'Pay' }).click();
      const outcome = page.getByRole('status').filter({ hasText: 'Order placed' });
      await outcome.waitFor();
      assert.match(await textOf(outcome), /PENDING/);
      assert.equal(
        await page.getByRole('link', { name: 'View the order' }).getAttribute('href'),
        `#/orders/${orderId}`,
      );
      assert.equal(await page.getByRole('button', { name: 'Pay' }).count(), 0, 'nothing left to pay');

      assert.equal(await available(item.itemId), 3, 'exactly 2 units went');
      const order = await api(live.platform, 'GET', `/orders/${orderId}`, {
        token: await tokenFor(customerId),
      });
      assert.equal(order.status, 200);
      assert.equal(order.body.status, 'PENDING');
      assert.deepEqual(
        order.body.lines.map((l: { itemId: string; quantity: number }) => [l.itemId, l.quantity]),
        [[item.itemId, 2]],
      );
    } finally {
      await close();
    }
  });

  it('filters by price in dollars and by type, and a search link opens with its filters', async () => {
    const item = await seedItem(live.db.repos, { 'wh-east': 2 });
    const { page, close } = await shopper();
    const rows = page.locator('ul.results li');
    const summary = page.getByRole('status');
    try {
      await page.goto(`/#/?q=${item.word}&min=30`);
      await summary.filter({ hasText: 'No items match.' }).waitFor();
      assert.equal(await page.getByRole('searchbox', { name: 'Search' }).inputValue(), item.word);
      assert.equal(await page.getByLabel('Min price').inputValue(), '30');

      await page.getByLabel('Min price').fill('24.50');
      await page.getByLabel('Max price').fill('24.50');
      await summary.filter({ hasText: '1 item shown' }).waitFor();
      assert.deepEqual(await rows.allTextContents(), [`${item.name} $24.50 · 2 in stock`]);

      await page.getByLabel('Min price').fill('');
      await page.getByLabel('Max price').fill('24.49');
      await summary.filter({ hasText: 'No items match.' }).waitFor();
      await page.getByLabel('Max price').fill('');
      await summary.filter({ hasText: '1 item shown' }).waitFor();

      await page.getByLabel('Type').selectOption('lighting');
      await page.waitForURL(/type=lighting/);
      await summary.filter({ hasText: '1 item shown' }).waitFor();
      assert.deepEqual(await rows.allTextContents(), [`${item.name} $24.50 · 2 in stock`]);
      assert.match(page.url(), new RegExp(`#/\\?q=${item.word}&type=lighting$`));
    } finally {
      await close();
    }
  });

  it('says a declined card in words (PAYMENT_FAILED) and the units go back', async () => {
    const item = await seedItem(live.db.repos, { 'wh-west': 4 });
    const { page, close } = await shopper();
    try {
      await openItem(page, item.itemId);
      await addToCart(page, 3);
      await checkOut(page);
      assert.equal(await available(item.itemId), 1);
      await fillPayment(page, CARD_DECLINED.cardNumber);
      await page.getByRole('button', { name: 'Pay' }).click();
      const outcome = page.getByRole('status').filter({ hasText: 'Payment declined' });
      await outcome.waitFor();
      assert.match(await textOf(outcome), /PAYMENT_FAILED/);
      await eventually(
        () => available(item.itemId),
        (n) => n === 4,
      );
    } finally {
      await close();
    }
  });

  it('refuses more than is available with "Only N left" in an alert, and adds nothing', async () => {
    const item = await seedItem(live.db.repos, { 'wh-central': 3 });
    const { page, customerId, close } = await shopper();
    try {
      await openItem(page, item.itemId);
      await page.getByLabel('Quantity').fill('5');
      await page.getByRole('button', { name: 'Add to cart' }).click();
      const alert = page.getByRole('alert').filter({ hasText: 'Only 3 left' });
      await alert.waitFor();
      assert.equal(await textOf(alert), 'Only 3 left (you asked for 5)');
      assert.equal(await page.getByText('Added to cart').count(), 0);
      const cart = await api(live.platform, 'GET', '/cart', { token: await tokenFor(customerId) });
      assert.deepEqual(cart.body.items, []);
    } finally {
      await close();
    }
  });

  it('changes a quantity and removes a line in the cart', async () => {
    const item = await seedItem(live.db.repos, { 'wh-east': 9 }, 1000);
    const { page, customerId, close } = await shopper();
    const cart = async () =>
      (await api(live.platform, 'GET', '/cart', { token: await tokenFor(customerId) })).body.items;
    try {
      await openItem(page, item.itemId);
      await addToCart(page, 2);
      await page.getByRole('link', { name: 'Cart', exact: true }).click();
      const quantity = page.getByLabel(`Quantity of ${item.name}`);
      assert.equal(await quantity.inputValue(), '2');
      await quantity.fill('5');
      await quantity.press('Enter');
      await page.getByText('Total: $50.00').waitFor();
      assert.deepEqual(await cart(), [{ itemId: item.itemId, quantity: 5 }]);
      await quantity.fill('1');
      await quantity.press('Enter');
      await page.getByText('Total: $10.00').waitFor();
      assert.deepEqual(await cart(), [{ itemId: item.itemId, quantity: 1 }]);
      await page.getByRole('button', { name: `Remove ${item.name}` }).click();
      await page.getByText('Your cart is empty').waitFor();
      assert.deepEqual(await cart(), []);
    } finally {
      await close();
    }
  });

  it('names the short line in words when Checkout finds too little stock', async () => {
    const item = await seedItem(live.db.repos, { 'wh-east': 3 });
    const { page, close } = await shopper();
    try {
      await openItem(page, item.itemId);
      await addToCart(page, 3);
      const other = await newShopper();
      await begin(live.platform, other, [{ itemId: item.itemId, quantity: 2 }]);
      await page.getByRole('link', { name: 'Cart', exact: true }).click();
      await page.getByRole('button', { name: 'Checkout' }).click();
      const alert = page.getByRole('alert').filter({ hasText: 'Not enough stock' });
      await alert.waitFor();
      assert.equal(await textOf(alert), `Not enough stock: ${item.name}: Only 1 left (you asked for 3)`);
      assert.match(page.url(), /#\/cart$/, 'still on the cart');
      assert.equal(await available(item.itemId), 1, 'nothing more held');
    } finally {
      await close();
    }
  });

  it("shows another shopper's checkout in the stock of an open item page, without a reload", async () => {
    const item = await seedItem(live.db.repos, { 'wh-east': 6 });
    const buyer = await shopper();
    const watcher = await shopper();
    try {
      await openItem(watcher.page, item.itemId);
      const stock = watcher.page.getByTestId('stock');
      await stock.filter({ hasText: '6 in stock' }).waitFor();
      assert.equal(await stock.getAttribute('aria-live'), 'polite');
      await watcher.page.evaluate('window.stayed = true');

      await openItem(buyer.page, item.itemId);
      await addToCart(buyer.page, 2);
      await checkOut(buyer.page);

      await stock.filter({ hasText: '4 in stock' }).waitFor();
      assert.equal(await textOf(stock), '4 in stock');
      assert.equal(await watcher.page.evaluate('window.stayed'), true, 'the same page, not a reload');
    } finally {
      await buyer.close();
      await watcher.close();
    }
  });
});
