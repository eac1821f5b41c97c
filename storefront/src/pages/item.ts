/** One item (`#/items/:itemId`): what it is, its price, its stock as it changes, and "Add to cart". */
import { call } from '../api.js';
import { fetchItem, stockText } from '../catalog.js';
import { h, money, replaceChildren } from '../dom.js';
import { watchStock } from '../live-stock.js';
import { refusalText } from '../refusals.js';
import type { PageResult } from '../router.js';

export async function itemPage(view: HTMLElement, params: Record<string, string>): Promise<PageResult> {
  const itemId = params['itemId']!;
  replaceChildren(view, h('p', { class: 'muted' }, 'Loading…'));
  let item: Awaited<ReturnType<typeof fetchItem>>;
  try {
    item = await fetchItem(itemId);
  } catch (problem) {
    replaceChildren(view, h('h1', {}, 'Item not found'), h('p', { role: 'alert' }, refusalText(problem)));
    return undefined;
  }
  if (!view.isConnected) return undefined; // the shopper left while it loaded

  const stock = h(
    'p',
    { 'aria-live': 'polite', 'data-testid': 'stock', class: 'stock' },
    stockText(item.available),
  );
  const quantity = h('input', { id: 'quantity', type: 'number', min: 1, step: 1, value: 1, required: true });
  const alert = h('p', { role: 'alert', class: 'error' });
  const done = h('p', { role: 'status' });
  const add = h('button', { type: 'submit' }, 'Add to cart');

  const form = h(
    'form',
    {
      onsubmit: async (event: Event) => {
        event.preventDefault();
        alert.textContent = '';
        done.textContent = '';
        add.disabled = true;
        try {
          await call('PATCH', '/cart?op=ADD', { itemId, quantity: quantity.valueAsNumber });
          done.replaceChildren('Added to cart. ', h('a', { href: '#/cart' }, 'Go to cart'));
        } catch (problem) {
          alert.textContent = refusalText(problem);
        } finally {
          add.disabled = false;
        }
      },
    },
    h('label', { for: 'quantity' }, 'Quantity'),
    quantity,
    add,
  );

  replaceChildren(
    view,
    h('p', {}, h('a', { href: '#/' }, '← Back to the store')),
    h('h1', {}, item.name),
    h('p', {}, item.description),
    h('p', { class: 'price' }, money(item.price)),
    stock,
    form,
    alert,
    done,
  );
  return watchStock(itemId, (level) => {
    stock.textContent = stockText(level.available);
  });
}
