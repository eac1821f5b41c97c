/**
 * One order in the console (`#/console/orders/:customerId/:orderId`): its status, lines, shipments with
 * "Ship" and "Deliver", its workflow, and "Cancel order" with a reason while nothing has shipped.
 */
import { ApiProblem, call } from '../api.js';
import { consoleNav, notOperator } from '../console/console-nav.js';
import { workflowLink } from '../console/workflow-link.js';
import { h, replaceChildren } from '../dom.js';
import { whyNotCancellable } from '../orders/cancel-rule.js';
import { endNote, linesTable, statusBadge, subordersTable, when } from '../orders/order-parts.js';
import type { Order, Suborder } from '../orders/order-types.js';

export async function consoleOrderPage(
  view: HTMLElement,
  params: Record<string, string>,
): Promise<undefined> {
  const refused = notOperator();
  if (refused) {
    replaceChildren(view, h('h1', {}, 'Console'), refused);
    return undefined;
  }
  const customerId = params['customerId']!;
  const orderId = params['orderId']!;
  const body = h('section', {});
  const error = h('p', { role: 'alert', class: 'error' });

  const report = (problem: unknown) => {
    error.textContent = problem instanceof ApiProblem ? problem.detail : String(problem);
  };

  function eventButton(suborder: Suborder, action: 'ship' | 'deliver', label: string): HTMLButtonElement {
    const allowed = action === 'ship' ? suborder.status === 'ALLOCATED' : suborder.status === 'SHIPPED';
    const button = h('button', { type: 'button', disabled: !allowed }, label);
    button.addEventListener('click', async () => {
      button.disabled = true;
      error.textContent = '';
      try {
        await call('POST', `/admin/suborders/${encodeURIComponent(suborder.suborderId)}/${action}`);
      } catch (problem) {
        report(problem);
      }
      await refresh();
    });
    return button;
  }

  function cancelForm(): HTMLFormElement {
    const reason = h('input', { id: 'cancel-reason', required: true, maxlength: 500 });
    return h(
      'form',
      {
        onsubmit: async (event: Event) => {
          event.preventDefault();
          error.textContent = '';
          try {
            await call('POST', `/admin/orders/${encodeURIComponent(orderId)}/cancel`, {
              reason: reason.value,
            });
          } catch (problem) {
            report(problem);
          }
          await refresh();
        },
      },
      h('label', { for: 'cancel-reason' }, 'Reason'),
      reason,
      h('button', { type: 'submit' }, 'Cancel order'),
    );
  }

  function render(order: Order): void {
    const refusal = whyNotCancellable(order);
    replaceChildren(
      body,
      h('p', {}, 'Status: ', statusBadge(order.status), ' · ', workflowLink(order.orderId)),
      h('p', { class: 'muted' }, `Customer ${customerId}, placed ${when(order.orderedAt)}`),
      endNote(order),
      linesTable(order),
      h('h2', {}, 'Shipments'),
      subordersTable(order, (s) => [
        eventButton(s, 'ship', 'Ship'),
        ' ',
        eventButton(s, 'deliver', 'Deliver'),
      ]),
      h('h2', {}, 'Cancel'),
      refusal ? h('p', { 'data-testid': 'cancel-refusal' }, refusal) : cancelForm(),
    );
  }

  async function refresh(): Promise<void> {
    try {
      const query = new URLSearchParams({ customerId });
      const { body: order } = await call<Order>(
        'GET',
        `/admin/orders/${encodeURIComponent(orderId)}?${query}`,
      );
      render(order);
    } catch (problem) {
      report(problem);
    }
  }

  replaceChildren(view, consoleNav(), h('h1', {}, `Order ${orderId}`), error, body);
  await refresh();
  return undefined;
}
