/** What BEGIN answered for an order (its payment URL and expiry), kept in this tab for the checkout page. */
export interface CheckoutTicket {
  paymentUrl: string;
  expiresAt: string;
}

const key = (orderId: string) => `order-platform-checkout:${orderId}`;

export function saveTicket(orderId: string, ticket: CheckoutTicket): void {
  sessionStorage.setItem(key(orderId), JSON.stringify(ticket));
}

export function readTicket(orderId: string): CheckoutTicket | undefined {
  const raw = sessionStorage.getItem(key(orderId));
  return raw ? (JSON.parse(raw) as CheckoutTicket) : undefined;
}
