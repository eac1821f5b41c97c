/** Orders as the API answers them (GET /orders, /orders/:orderId, /admin/orders…). */
export interface OrderLine {
  itemId: string;
  quantity: number;
  /** Unit price, integer cents. */
  price: number;
}

export interface Suborder {
  suborderId: string;
  warehouseId: string;
  status: string;
  lines: { itemId: string; quantity: number }[];
}

export interface OrderSummary {
  orderId: string;
  status: string;
  lines: OrderLine[];
  total: number;
  orderedAt: string;
  expiresAt: string | null;
  failureReason?: string;
  cancelReason?: string;
  /** In the operators' answers only. */
  customerId?: string;
}

export interface Order extends OrderSummary {
  suborders: Suborder[];
}

export interface OrderPage {
  orders: OrderSummary[];
  nextCursor: string | null;
}
