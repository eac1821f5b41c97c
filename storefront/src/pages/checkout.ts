/**
 * Paying for a reserved order (`#/checkout/:orderId`): a countdown to the reservation's end, the payment
 * form ("Pay": the payment URL, then SUBMIT), "Cancel order", and the outcome in words.
 */
import { ApiProblem, call } from '../api.js';
import { readTicket } from '../checkout-store.js';
import { startCountdown } from '../countdown.js';
import { h, money, replaceChildren } from '../dom.js';
import { type OrderOutcome, outcomeContent } from '../outcome.js';
import { paymentFields } from '../payment-form.js';
import { refusalText } from '../refusals.js';
import type { PageResult } from '../router.js';

interface OrderView {
  orderId: string;
  status: string;
  total: number;
  expiresAt: string | null;
}

/** Statuses in which the order still waits for its payment. */
const UNPAID = new Set(['RESERVED', 'PAYING']);

export async function checkoutPage(view: HTMLElement, params: Record<string, string>): Promise<PageResult> {
  const orderId = params['orderId']!;
  const ticket = readTicket(orderId);
  let order: OrderView | undefined;
  try {
    order = (await call<OrderView>('GET', `/orders/${encodeURIComponent(orderId)}`)).body;
  } catch {
    // not readable yet: what BEGIN answered is enough to pay
  }
  if (!view.isConnected) return undefined;
  const expiresAt = ticket?.expiresAt ?? order?.expiresAt;
  const paymentPath = new URL(ticket?.paymentUrl ?? `/checkout/${orderId}/payment`, location.href).pathname;

  const status = h('p', { role: 'status', class: 'outcome' });
  const alert = h('p', { role: 'alert', class: 'error' });
  const timer = h('span', { role: 'timer', 'aria-label': 'Time left to pay' });
  const fields = paymentFields();
  const pay = h('button', { type: 'submit' }, 'Pay');
  const cancel = h('button', { type: 'button', class: 'secondary' }, 'Cancel order');
  const form = h('form', { class: 'payment' }, fields.card, fields.address, pay);
  const unpaid = h('div', {}, h('p', {}, 'Stock held for you for ', timer, '.'), form, cancel);
  let stopCountdown = () => {};
  let busy = false;
  let finished = false;

  const finish = (outcome: OrderOutcome) => {
    finished = true;
    stopCountdown();
    unpaid.remove();
    alert.textContent = '';
    replaceChildren(status, ...outcomeContent(outcome));
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    busy = true;
    pay.disabled = cancel.disabled = true;
    alert.textContent = '';
    try {
      try {
        await call('POST', paymentPath, fields.read());
      } catch (problem) {
        if (problem instanceof ApiProblem && problem.status === 410)
          return finish({ orderId, status: 'EXPIRED' });
        // 409: the order already holds a payment (a second Pay): SUBMIT says where it stands.
        if (!(problem instanceof ApiProblem && problem.status === 409)) throw problem;
      }
      status.textContent = 'Paying…';
      const { body } = await call<OrderOutcome>('POST', '/checkout?op=SUBMIT', { orderId });
      finish(body);
    } catch (problem) {
      status.textContent = '';
      alert.textContent = refusalText(problem);
    } finally {
      busy = false;
      pay.disabled = cancel.disabled = false;
    }
  });

  cancel.addEventListener('click', async () => {
    busy = true;
    pay.disabled = cancel.disabled = true;
    alert.textContent = '';
    try {
      const { body } = await call<OrderOutcome>('POST', '/checkout?op=CANCEL', { orderId });
      finish(body);
    } catch (problem) {
      alert.textContent = refusalText(problem);
    } finally {
      busy = false;
      pay.disabled = cancel.disabled = false;
    }
  });

  replaceChildren(
    view,
    h('h1', {}, 'Checkout'),
    h('p', { class: 'muted' }, `Order ${orderId}`, order ? ` · total ${money(order.total)}` : ''),
    alert,
    status,
    unpaid,
  );

  if (order && !UNPAID.has(order.status)) {
    finish({ orderId, status: order.status });
    return undefined;
  }
  if (!expiresAt) {
    alert.textContent = 'This checkout is not known in this tab; start again from the cart.';
    unpaid.remove();
    return undefined;
  }
  stopCountdown = startCountdown(timer, new Date(expiresAt), () => {
    // A payment under way is answered by SUBMIT (410 when it came too late).
    if (!busy && !finished) finish({ orderId, status: 'EXPIRED' });
  });
  return () => stopCountdown();
}
