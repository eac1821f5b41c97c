/**
 * The storefront in real Chromium: the page is served by the API, the demo sign-in gets a token only
 * while DEMO_LOGIN=1, and an operator sees the console's link.
 */
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { usePlatform } from '../support/platform-suite.js';
import { launchChromium, openStore, signIn } from './browser.js';

describe('storefront: demo sign-in', function () {
  this.timeout(120_000);
  const live = usePlatform({ env: { DEMO_LOGIN: '1' }, processes: ['api'], shards: false });
  let browser: Browser;
  before(async () => {
    browser = await launchChromium();
  });
  after(async () => browser?.close());

  it('signs a shopper in and out, and an operator in with the console', async () => {
    const { context, page } = await openStore(browser, live.platform.baseUrl);
    try {
      await signIn(page, 'c-browser-1');
      assert.equal(await page.getByText('Signed in as c-browser-1').count(), 1);
      assert.equal(await page.getByRole('link', { name: 'Console' }).count(), 0, 'a shopper has no console');
      await page.getByRole('link', { name: 'Cart' }).waitFor();
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('button', { name: 'Sign in' }).waitFor();

      await signIn(page, 'ops-browser', { operator: true });
      await page.getByRole('link', { name: 'Console' }).waitFor();
    } finally {
      await context.close();
    }
  });

  it('refuses a customer id that cannot be one, in words', async () => {
    const { context, page } = await openStore(browser, live.platform.baseUrl);
    try {
      await page.getByLabel('Customer id').fill('has space');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page
        .getByRole('alert')
        .filter({ hasText: /customerId/ })
        .waitFor();
      assert.equal(await page.getByRole('button', { name: 'Sign out' }).count(), 0);
    } finally {
      await context.close();
    }
  });
});

describe('storefront: demo sign-in off', function () {
  this.timeout(120_000);
  const live = usePlatform({ processes: ['api'], shards: false });

  it('has no token endpoint, and the page says sign-in is off', async () => {
    const res = await fetch(`${live.platform.baseUrl}/demo/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ customerId: 'c-1' }),
    });
    assert.equal(res.status, 404);
    const browser = await launchChromium();
    try {
      const { page } = await openStore(browser, live.platform.baseUrl);
      await page.getByText('Demo sign-in is off').waitFor();
    } finally {
      await browser.close();
    }
  });
});
