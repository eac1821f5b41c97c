/**
 * Real Chromium for the storefront's tests: Debian's `chromium` (CHROMIUM_PATH overrides) driven by
 * playwright-core. Missing, it fails the suite with how to install it; it never skips.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { PROJECT_ROOT } from '../../scripts/lib/project-paths.js';

export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
/** Screenshots of the main pages, written by the tests; the README shows two of them. */
export const SCREENSHOT_DIR = path.join(PROJECT_ROOT, 'docs', 'screenshots');

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `no Chromium at ${CHROMIUM_PATH}: install Debian's (apt-get install chromium) or set CHROMIUM_PATH`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    // Root in CI containers has no user namespaces for Chromium's sandbox.
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
}

/** A fresh browser profile (its own session storage) on the platform's storefront. */
export async function openStore(
  browser: Browser,
  baseUrl: string,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1100, height: 800 } });
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  await page.goto('/');
  return { context, page };
}

/** Signs in on the demo page with the accessible names a screen reader would use. */
export async function signIn(page: Page, customerId: string, { operator = false } = {}): Promise<void> {
  await page.getByLabel('Customer id').fill(customerId);
  if (operator) await page.getByRole('checkbox', { name: 'Operator' }).check();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`) });
}
