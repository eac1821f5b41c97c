/**
 * A shopper's orders in real Chromium: My orders newest first a page at a time, and cancelling an
 * unshipped order from its page (its units go back to stock).
 */
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { newShopper, placeOrder } from '../api/support.js';
import { eventually, stockCounters, stockedItem } from '../support/catalog-fixture.js';
import { api } from '../support/platform.js';
import { usePlatform } from '../support/platform-suite.js';
import { launchChromium, openStore, screenshot, signIn } from './browser.js';

describe('storefront: my orders and cancelling one', function () {
  this.timeout(180_000);
  const live = usePlatform({ env: { DEMO_LOGIN: '1', RESERVATION_TTL_SECONDS: '60' } });
  let browser: Browser;
  before(async () => {
    browser = await launchChromium();
  });
  after(async () => browser?.close());

  it('lists three orders newest first, the last after "More"', async () => {
    const itemId = await stockedItem(live.db.repos, { 'wh-east': 10 });
    const shopper = await newShopper();
    const placed: string[] = [];
    for (const quantity of [1, 2, 3])
      placed.push(await placeOrder(live.platform, shopper, [{ itemId, quantity }]));
    const { context, page } = await openStore(browser, live.platform.baseUrl);
    try {
      await signIn(page, shopper.customerId);
      await page.goto('/#/orders?limit=2');
      const links = page.getByRole('list', { name: 'My orders' }).getByRole('link');
      await links.nth(1).waitFor();
      assert.equal(await links.count(), 2, 'one page of two');
      await page.getByRole('button', { name: 'More' }).click();
      await links.nth(2).waitFor();
      assert.deepEqual(
        await links.allTextContents(),
        [...placed].reverse().map((id) => `Order ${id}`),
      );
      assert.ok(await page.getByRole('button', { name: 'More' }).isHidden(), 'no more after the last page');
      const first = page.locator(`[data-order="${placed[2]}"]`);
      assert.match((await first.textContent()) ?? '', /\$59\.97/, 'the newest: 3 × $19.99');
      await screenshot(page, 'orders');

      await links.first().click();
      await page.waitForURL(new RegExp(`#/orders/${placed[2]}$`));
      await page.getByRole('heading', { name: `Order ${placed[2]}` }).waitFor();
    } finally {
      await context.close();
    }
  });

  it('cancels an unshipped order from its page: CANCELLED, and its units back in stock', async () => {
    const itemId = await stockedItem(live.db.repos, { 'wh-east': 5 });
    const shopper = await newShopper();
    const orderId = await placeOrder(live.platform, shopper, [{ itemId, quantity: 2 }]);
    await eventually(
      async () => (await api(live.platform, 'GET', `/orders/${orderId}`, { token: shopper.token })).body,
      (o) => o.suborders?.length === 1,
    );
    assert.equal((await stockCounters(live.db.repos, itemId)).available, 3);
    const { context, page } = await openStore(browser, live.platform.baseUrl);
    try {
      await signIn(page, shopper.customerId);
      await page.goto(`/#/orders/${orderId}`);
      const status = page.getByTestId('order-status');
      await status.filter({ hasText: /^PENDING$/ }).waitFor();
      await page.getByRole('table', { name: 'Shipments' }).getByText('wh-east').waitFor();
      await screenshot(page, 'order');
      await page.getByRole('button', { name: 'Cancel order' }).click();
      await status.filter({ hasText: /^CANCELLED$/ }).waitFor();
      assert.equal(await page.getByRole('button', { name: 'Cancel order' }).count(), 0);
      await page.getByText('Cancelled: requested by the customer').waitFor();
      await page.getByText('This order is CANCELLED: there is nothing to cancel.').waitFor();
    } finally {
      await context.close();
    }
    const order = await api(live.platform, 'GET', `/orders/${orderId}`, { token: shopper.token });
    assert.equal(order.body.status, 'CANCELLED');
    assert.equal((await stockCounters(live.db.repos, itemId)).available, 5, 'both units are back');
  });
});
