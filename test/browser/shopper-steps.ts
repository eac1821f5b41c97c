/** What the shopper tests do over and over: seed an item with a unique word, add to cart, check out, pay. */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Locator, Page } from 'playwright-core';
import type { Repositories } from '../../db/repositories/index.js';
import { ADDRESS } from '../api/support.js';

export interface SeededItem {
  itemId: string;
  name: string;
  /** A word only this item's name has, for search. */
  word: string;
}

/** A word of lowercase letters no other item has. */
function uniqueWord(): string {
  return `zq${[...randomBytes(8)].map((b) => String.fromCharCode(97 + (b % 26))).join('')}`;
}

export async function seedItem(
  repos: Repositories,
  stock: Record<string, number>,
  priceCents = 2450,
): Promise<SeededItem> {
  const itemId = `it-${randomUUID().slice(0, 12)}`;
  const word = uniqueWord();
  const name = `Lantern ${word}`;
  await repos.catalog.createItems([
    {
      itemId,
      name,
      description: 'A brass lantern for long evenings',
      priceCents,
      type: 'lighting',
      stock: Object.entries(stock).map(([warehouseId, quantity]) => ({ warehouseId, quantity })),
    },
  ]);
  return { itemId, name, word };
}

export const newCustomerId = () => `c-shop-${randomUUID().slice(0, 8)}`;

export async function openItem(page: Page, itemId: string): Promise<void> {
  await page.goto(`/#/items/${itemId}`);
  await page.getByTestId('stock').waitFor();
}

export async function addToCart(page: Page, quantity: number): Promise<void> {
  await page.getByLabel('Quantity').fill(String(quantity));
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await page.getByRole('status').filter({ hasText: 'Added to cart' }).waitFor();
}

/** From the item page: the cart, then Checkout; answers the order id the checkout page names. */
export async function checkOut(page: Page): Promise<string> {
  await page.getByRole('link', { name: 'Cart', exact: true }).click();
  await page.getByRole('button', { name: 'Checkout' }).click();
  await page.getByRole('timer').waitFor();
  const orderId = /#\/checkout\/(ord_[0-9a-f]{32})$/.exec(page.url())?.[1];
  if (!orderId) throw new Error(`not on a checkout page: ${page.url()}`);
  return orderId;
}

export async function fillPayment(page: Page, cardNumber: string): Promise<void> {
  await page.getByLabel('Card number').fill(cardNumber);
  await page.getByLabel('Expiry month').fill('12');
  await page.getByLabel('Expiry year').fill('2040');
  await page.getByLabel('CVC').fill('123');
  await page.getByLabel('Name', { exact: true }).fill(ADDRESS.name);
  await page.getByLabel('Address').fill(ADDRESS.line1);
  await page.getByLabel('City').fill(ADDRESS.city);
  await page.getByLabel('Postal code').fill(ADDRESS.postalCode);
  await page.getByLabel('Country').fill(ADDRESS.country);
}

/** The text in an element, '' when it has none. */
export async function textOf(locator: Locator): Promise<string> {
  return (await locator.textContent()) ?? '';
}
