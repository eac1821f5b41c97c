/** The console's own links, above each of its pages; operators only (the API refuses others with 403). */
import { h } from '../dom.js';
import { currentSession } from '../session.js';

export function consoleNav(): HTMLElement {
  return h(
    'nav',
    { 'aria-label': 'Console', class: 'console-nav' },
    h('a', { href: '#/console' }, 'Orders'),
    h('a', { href: '#/console/restock' }, 'Restock'),
  );
}

/** A note instead of the page for anyone who is not an operator; undefined for an operator. */
export function notOperator(): HTMLElement | undefined {
  return currentSession()?.role === 'operator'
    ? undefined
    : h('p', { role: 'alert', class: 'error' }, 'The console is for operators: sign in as one.');
}

/** The console link to one order's page. */
export function consoleOrderHref(customerId: string, orderId: string): string {
  return `#/console/orders/${encodeURIComponent(customerId)}/${encodeURIComponent(orderId)}`;
}
