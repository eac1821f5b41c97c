/** Restock in the console (`#/console/restock`): units of an item arrive at a warehouse. */
import { ApiProblem, call } from '../api.js';
import { consoleNav, notOperator } from '../console/console-nav.js';
import { h, replaceChildren } from '../dom.js';

interface Warehouse {
  warehouseId: string;
  name: string;
  region: string;
}

interface Restocked {
  itemId: string;
  warehouseId: string;
  warehouseAvailable: number;
  available: number;
}

export async function consoleRestockPage(view: HTMLElement): Promise<undefined> {
  const refused = notOperator();
  if (refused) {
    replaceChildren(view, h('h1', {}, 'Console'), refused);
    return undefined;
  }
  const warehouse = h('select', { id: 'warehouse', required: true });
  const itemId = h('input', { id: 'item-id', required: true });
  const quantity = h('input', {
    id: 'quantity',
    type: 'number',
    min: 1,
    step: 1,
    value: '1',
    required: true,
  });
  const error = h('p', { role: 'alert', class: 'error' });
  const done = h('p', { role: 'status' });
  const button = h('button', { type: 'submit' }, 'Restock');

  const form = h(
    'form',
    {
      onsubmit: async (event: Event) => {
        event.preventDefault();
        error.textContent = '';
        done.textContent = '';
        button.disabled = true;
        try {
          const { body } = await call<Restocked>(
            'POST',
            `/admin/warehouses/${encodeURIComponent(warehouse.value)}/stock`,
            { itemId: itemId.value.trim(), quantity: Number(quantity.value) },
          );
          done.textContent = `Restocked ${body.itemId}: ${body.warehouseAvailable} available at ${body.warehouseId}, ${body.available} in all.`;
        } catch (problem) {
          error.textContent = problem instanceof ApiProblem ? problem.detail : String(problem);
        } finally {
          button.disabled = false;
        }
      },
    },
    h('label', { for: 'warehouse' }, 'Warehouse'),
    warehouse,
    h('label', { for: 'item-id' }, 'Item id'),
    itemId,
    h('label', { for: 'quantity' }, 'Quantity'),
    quantity,
    button,
  );
  replaceChildren(view, consoleNav(), h('h1', {}, 'Restock'), form, done, error);
  try {
    const { body } = await call<Warehouse[]>('GET', '/admin/warehouses');
    warehouse.append(
      ...body.map((w) => h('option', { value: w.warehouseId }, `${w.name} (${w.warehouseId}, ${w.region})`)),
    );
  } catch (problem) {
    error.textContent = problem instanceof ApiProblem ? problem.detail : String(problem);
  }
  return undefined;
}
