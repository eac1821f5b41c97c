/** The catalog as the pages read it: one item, and a page of search results. */
import { call } from './api.js';

export interface Item {
  itemId: string;
  name: string;
  description: string;
  /** Integer cents. */
  price: number;
  type: string;
  available: number;
}

export interface ItemPage {
  items: Item[];
  nextCursor: string | null;
  limit: number;
}

export async function fetchItem(itemId: string): Promise<Item> {
  return (await call<Item>('GET', `/items/${encodeURIComponent(itemId)}`)).body;
}

export async function searchItems(params: URLSearchParams): Promise<ItemPage> {
  const query = params.toString();
  return (await call<ItemPage>('GET', `/items${query ? `?${query}` : ''}`)).body;
}

/** "12 in stock", "Out of stock". */
export function stockText(available: number): string {
  return available > 0 ? `${available} in stock` : 'Out of stock';
}
