/**
 * The operator console in real Chromium, beside a shopper in another browser profile: ship and deliver
 * an order the shopper watches, find orders by status and by customer, cancel with a reason, restock.
 */
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { newShopper, placeOrder, type Shopper } from '../api/support.js';
import { eventually, stockCounters, stockedItem } from '../support/catalog-fixture.js';
import { api } from '../support/platform.js';
import { usePlatform } from '../support/platform-suite.js';
import { launchChromium, openStore, screenshot, signIn } from './browser.js';

describe('storefront: the operator console', function () {
  this.timeout(240_000);
  const live = usePlatform({
    env: { DEMO_LOGIN: '1', RESERVATION_TTL_SECONDS: '60', TEMPORAL_UI_URL: 'http://temporal-ui.test:8233' },
    operator: 'ops-console',
  });
  let browser: Browser;
  before(async () => {
    browser = await launchChromium();
  });
  after(async () => browser?.close());

  const allocatedOrder = async (shopper: Shopper, itemId: string, quantity = 1) => {
    const orderId = await placeOrder(live.platform, shopper, [{ itemId, quantity }]);
    await eventually(
      async () => (await api(live.platform, 'GET', `/orders/${orderId}`, { token: shopper.token })).body,
      (o) => o.suborders?.length === 1,
    );
    return orderId;
  };

  async function operatorPage(): Promise<{ page: Page; close: () => Promise<void> }> {
    const { context, page } = await openStore(browser, live.platform.baseUrl);
    await signIn(page, 'ops-console', { operator: true });
    return { page, close: () => context.close() };
  }

  /** Runs one listing request of the console page and waits until its rows are shown. */
  async function listed(page: Page, action: () => Promise<unknown>): Promise<void> {
    await Promise.all([page.waitForResponse((r) => r.url().includes('/admin/orders?')), action()]);
    await page.locator('table[aria-label="Orders"][aria-busy="false"]').waitFor();
  }

  /** Fills the console's filters, walks every page, and answers the order ids listed. */
  let visits = 0;
  async function find(page: Page, filters: { customer?: string; status?: string }): Promise<string[]> {
    // A new hash each time: the same one again would not load the page anew.
    await listed(page, () => page.goto(`/#/console?visit=${++visits}`));
    await page.getByLabel('Customer').fill(filters.customer ?? '');
    await page.getByLabel('Status').selectOption(filters.status ?? '');
    await listed(page, () => page.getByRole('button', { name: 'Find' }).click());
    const more = page.getByRole('button', { name: 'More' });
    while (await more.isVisible()) await listed(page, () => more.click());
    return page
      .locator('tbody tr[data-order]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-order') ?? ''));
  }

  it('ships an order the shopper then sees shipped (no Cancel order, the reason why), then delivers it', async () => {
    const itemId = await stockedItem(live.db.repos, { 'wh-east': 4 });
    const shopper = await newShopper();
    const orderId = await allocatedOrder(shopper, itemId);

    const store = await openStore(browser, live.platform.baseUrl);
    const ops = await operatorPage();
    try {
      await signIn(store.page, shopper.customerId);
      await store.page.goto(`/#/orders/${orderId}`);
      const shopperStatus = store.page.getByTestId('order-status');
      await shopperStatus.filter({ hasText: /^PENDING$/ }).waitFor();
      await store.page.getByRole('button', { name: 'Cancel order' }).waitFor();

      assert.deepEqual(await find(ops.page, { customer: shopper.customerId }), [orderId]);
      const row = ops.page.locator(`tr[data-order="${orderId}"]`);
      assert.equal(
        await row.getByRole('link', { name: 'Workflow' }).getAttribute('href'),
        `http://temporal-ui.test:8233/namespaces/default/workflows/order-${orderId}`,
      );
      await screenshot(ops.page, 'console');
      await row.getByRole('link', { name: orderId }).click();
      const opsStatus = ops.page.getByTestId('order-status');
      await opsStatus.filter({ hasText: /^PENDING$/ }).waitFor();
      await ops.page.getByRole('button', { name: 'Ship' }).click();
      await opsStatus.filter({ hasText: /^SHIPPED$/ }).waitFor();
      assert.equal(await ops.page.getByTestId('suborder-status').textContent(), 'SHIPPED');

      await shopperStatus.filter({ hasText: /^SHIPPED$/ }).waitFor();
      assert.equal(await store.page.getByRole('button', { name: 'Cancel order' }).count(), 0);
      await store.page.getByText('This order has shipped: it can no longer be cancelled.').waitFor();

      await ops.page.getByRole('button', { name: 'Deliver' }).click();
      await opsStatus.filter({ hasText: /^DELIVERED$/ }).waitFor();
      await shopperStatus.filter({ hasText: /^DELIVERED$/ }).waitFor();
    } finally {
      await store.context.close();
      await ops.close();
    }
  });

  it('finds exactly the orders of a status and of a customer, and cancels one with a reason', async () => {
    const itemId = await stockedItem(live.db.repos, { 'wh-east': 6 });
    const shopper = await newShopper();
    const kept = await allocatedOrder(shopper, itemId);
    const cancelled = await allocatedOrder(shopper, itemId, 2);
    const ops = await operatorPage();
    try {
      await find(ops.page, { customer: shopper.customerId });
      await ops.page.getByRole('link', { name: cancelled }).click();
      await ops.page.getByLabel('Reason').fill('the shopper phoned: wrong size');
      await ops.page.getByRole('button', { name: 'Cancel order' }).click();
      await ops.page
        .getByTestId('order-status')
        .filter({ hasText: /^CANCELLED$/ })
        .waitFor();
      await ops.page
        .getByText('Cancelled: by operator ops-console: the shopper phoned: wrong size')
        .waitFor();
      assert.equal((await stockCounters(live.db.repos, itemId)).available, 5, 'the two units are back');

      assert.deepEqual(await find(ops.page, { customer: shopper.customerId }), [kept, cancelled]);
      assert.deepEqual(await find(ops.page, { customer: shopper.customerId, status: 'CANCELLED' }), [
        cancelled,
      ]);
      assert.deepEqual(await find(ops.page, { customer: shopper.customerId, status: 'PENDING' }), [kept]);
      const allCancelled = await find(ops.page, { status: 'CANCELLED' });
      assert.ok(allCancelled.includes(cancelled) && !allCancelled.includes(kept));
      const statuses = await ops.page.locator('tbody tr[data-order] .status').allTextContents();
      assert.ok(statuses.length > 0 && statuses.every((s) => s === 'CANCELLED'), statuses.join());
    } finally {
      await ops.close();
    }
    const seen = await api(live.platform, 'GET', `/orders/${cancelled}`, { token: shopper.token });
    assert.equal(seen.body.cancelReason, 'by operator ops-console: the shopper phoned: wrong size');
  });

  it('restocks an item at a warehouse: its available units go up', async () => {
    const itemId = await stockedItem(live.db.repos, { 'wh-east': 2, 'wh-west': 1 });
    const ops = await operatorPage();
    try {
      await ops.page.getByRole('link', { name: 'Console' }).click();
      await ops.page.getByRole('link', { name: 'Restock' }).click();
      await ops.page.getByLabel('Warehouse').selectOption('wh-west');
      await ops.page.getByLabel('Item id').fill(itemId);
      await ops.page.getByLabel('Quantity').fill('7');
      await ops.page.getByRole('button', { name: 'Restock' }).click();
      await ops.page
        .getByRole('status')
        .filter({ hasText: `Restocked ${itemId}` })
        .waitFor();
      assert.match(
        (await ops.page.getByRole('status').textContent()) ?? '',
        /8 available at wh-west, 10 in all/,
      );
    } finally {
      await ops.close();
    }
    const counters = await stockCounters(live.db.repos, itemId);
    assert.equal(counters.available, 10);
    assert.equal(counters.warehouseAvailable['wh-west'], 8);
    const item = await api(live.platform, 'GET', `/items/${itemId}`);
    assert.equal(item.body.available, 10);
  });
});
