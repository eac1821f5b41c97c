/**
 * The cart (`#/cart`): each line with its item's name, quantity and price; quantities change with
 * PATCH /cart ADD or REMOVE; "Checkout" reserves the stock (BEGIN) and goes on to the payment page.
 */
import { ApiProblem, call } from '../api.js';
import { fetchItem, type Item } from '../catalog.js';
import { saveTicket } from '../checkout-store.js';
import { h, money, replaceChildren } from '../dom.js';
import { onlyLeft, refusalText, shortLines } from '../refusals.js';
import { go, type PageResult } from '../router.js';

interface CartLine {
  itemId: string;
  quantity: number;
}

interface BeginAnswer {
  orderId: string;
  paymentUrl: string;
  expiresAt: string;
}

export async function cartPage(view: HTMLElement): Promise<PageResult> {
  const alert = h('p', { role: 'alert', class: 'error' });
  const items = new Map<string, Item>();
  const nameOf = (itemId: string) => items.get(itemId)?.name ?? itemId;

  const change = async (itemId: string, delta: number) => {
    alert.textContent = '';
    if (delta === 0) return;
    try {
      const op = delta > 0 ? 'ADD' : 'REMOVE';
      const { body } = await call<{ items: CartLine[] }>('PATCH', `/cart?op=${op}`, {
        itemId,
        quantity: Math.abs(delta),
      });
      await show(body.items);
    } catch (problem) {
      alert.textContent = refusalText(problem);
      await reload();
    }
  };

  const line = (l: CartLine) => {
    const item = items.get(l.itemId);
    const quantity = h('input', {
      type: 'number',
      min: 1,
      step: 1,
      value: l.quantity,
      'aria-label': `Quantity of ${nameOf(l.itemId)}`,
      onchange: () => {
        const wanted = quantity.valueAsNumber;
        if (Number.isInteger(wanted) && wanted > 0) void change(l.itemId, wanted - l.quantity);
      },
    });
    return h(
      'tr',
      {},
      h('td', {}, h('a', { href: `#/items/${encodeURIComponent(l.itemId)}` }, nameOf(l.itemId))),
      h('td', {}, quantity),
      h('td', {}, item ? money(item.price) : '—'),
      h('td', {}, item ? money(item.price * l.quantity) : '—'),
      h(
        'td',
        {},
        h(
          'button',
          {
            type: 'button',
            'aria-label': `Remove ${nameOf(l.itemId)}`,
            onclick: () => void change(l.itemId, -l.quantity),
          },
          'Remove',
        ),
      ),
    );
  };

  const checkout = async (button: HTMLButtonElement) => {
    alert.textContent = '';
    button.disabled = true;
    // One key for this click: a repeated request (a retry, a second click that got through) holds stock once.
    const key = crypto.randomUUID();
    try {
      const { body } = await call<BeginAnswer>('POST', '/checkout?op=BEGIN', undefined, {
        'Idempotency-Key': key,
      });
      saveTicket(body.orderId, { paymentUrl: body.paymentUrl, expiresAt: body.expiresAt });
      go(`/checkout/${body.orderId}`);
    } catch (problem) {
      alert.textContent =
        problem instanceof ApiProblem && problem.kind === 'out-of-stock'
          ? `Not enough stock: ${shortLines(problem)
              .map((s) => `${nameOf(s.itemId)}: ${onlyLeft(s)}`)
              .join('; ')}`
          : refusalText(problem);
      button.disabled = false;
    }
  };

  const show = async (lines: CartLine[]) => {
    await Promise.all(
      lines
        .filter((l) => !items.has(l.itemId))
        .map(async (l) => {
          try {
            items.set(l.itemId, await fetchItem(l.itemId));
          } catch {
            // an item gone from the catalog is shown by its id
          }
        }),
    );
    if (lines.length === 0) {
      replaceChildren(
        view,
        h('h1', {}, 'Cart'),
        alert,
        h('p', {}, 'Your cart is empty. ', h('a', { href: '#/' }, 'Find something')),
      );
      return;
    }
    const total = lines.reduce((sum, l) => sum + (items.get(l.itemId)?.price ?? 0) * l.quantity, 0);
    const button = h('button', { type: 'button' }, 'Checkout');
    button.addEventListener('click', () => void checkout(button));
    replaceChildren(
      view,
      h('h1', {}, 'Cart'),
      h(
        'table',
        {},
        h(
          'thead',
          {},
          h('tr', {}, ...['Item', 'Quantity', 'Price', 'Subtotal', ''].map((t) => h('th', {}, t))),
        ),
        h('tbody', {}, ...lines.map(line)),
      ),
      h('p', { class: 'total' }, `Total: ${money(total)}`),
      alert,
      button,
    );
  };

  const reload = async () => {
    try {
      const { body } = await call<{ items: CartLine[] }>('GET', '/cart');
      await show(body.items);
    } catch (problem) {
      replaceChildren(
        view,
        h('h1', {}, 'Cart'),
        h('p', { role: 'alert', class: 'error' }, refusalText(problem)),
      );
    }
  };

  replaceChildren(view, h('h1', {}, 'Cart'), h('p', { class: 'muted' }, 'Loading…'));
  await reload();
  return undefined;
}
