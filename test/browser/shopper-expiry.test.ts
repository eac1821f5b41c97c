/** A checkout nobody pays: with a 4-second reservation the countdown reaches 00:00, the page says it
 * expired, and the held units go back. */
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { eventually, stockCounters } from '../support/catalog-fixture.js';
import { usePlatform } from '../support/platform-suite.js';
import { launchChromium, openStore, signIn } from './browser.js';
import { addToCart, checkOut, newCustomerId, openItem, seedItem, textOf } from './shopper-steps.js';

describe('storefront: a reservation that expires', function () {
  this.timeout(120_000);
  const live = usePlatform({ env: { DEMO_LOGIN: '1', RESERVATION_TTL_SECONDS: '4' } });
  let browser: Browser;
  before(async () => {
    browser = await launchChromium();
  });
  after(async () => browser?.close());

  it('counts down to 00:00, says the reservation expired (EXPIRED), and the stock comes back', async () => {
    const item = await seedItem(live.db.repos, { 'wh-east': 5 });
    const available = async () => (await stockCounters(live.db.repos, item.itemId)).available;
    const { context, page } = await openStore(browser, live.platform.baseUrl);
    try {
      await signIn(page, newCustomerId());
      await openItem(page, item.itemId);
      await addToCart(page, 2);
      await checkOut(page);
      assert.equal(await available(), 3, 'BEGIN holds 2');
      const timer = page.getByRole('timer');
      assert.match(await textOf(timer), /^00:0[1-4]$/);

      const outcome = page.getByRole('status').filter({ hasText: 'Reservation expired' });
      await outcome.waitFor({ timeout: 15_000 });
      assert.match(await textOf(outcome), /EXPIRED/);
      assert.equal(await page.getByRole('button', { name: 'Pay' }).count(), 0, 'no paying once expired');
      await eventually(available, (n) => n === 5);
    } finally {
      await context.close();
    }
  });
});
