/** Where an order ended up after SUBMIT or CANCEL, in words, always with its status name. */
import { type Child, h } from './dom.js';

export interface OrderOutcome {
  orderId: string;
  status: string;
  declineReason?: string;
  failureReason?: string;
}

const HEADLINES: Record<string, string> = {
  PENDING: 'Order placed',
  PAYMENT_FAILED: 'Payment declined',
  EXPIRED: 'Reservation expired',
  CANCELLED: 'Cancelled',
  FAILED: 'Order failed',
};

export function outcomeContent(outcome: OrderOutcome): Child[] {
  const headline = HEADLINES[outcome.status] ?? 'Order updated';
  const why = outcome.declineReason ?? outcome.failureReason;
  return [
    h('strong', {}, headline),
    why ? ` (${why})` : '',
    ' — status ',
    h('code', { 'data-testid': 'order-status' }, outcome.status),
    '. ',
    outcome.status === 'EXPIRED' ? 'The held stock went back on the shelf. ' : '',
    h('a', { href: `#/orders/${encodeURIComponent(outcome.orderId)}` }, 'View the order'),
  ];
}
