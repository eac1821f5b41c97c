/** Repository rows in the API's JSON shapes (money as integer cents in `price`/`total`). */
import type { ItemView } from '../db/repositories/catalog-repository.js';
import type { OrderDetails, OrderSummary } from '../db/repositories/order-repository.js';

export function itemView(item: ItemView) {
  return {
    itemId: item.itemId,
    name: item.name,
    description: item.description,
    price: item.priceCents,
    type: item.type,
    available: item.available,
  };
}

export function orderSummaryView(order: OrderSummary) {
  return {
    orderId: order.orderId,
    status: order.status,
    lines: order.lines.map((l) => ({ itemId: l.itemId, quantity: l.quantity, price: l.priceCents })),
    total: order.totalCents,
    orderedAt: order.orderedAt.toISOString(),
    expiresAt: order.expiresAt?.toISOString() ?? null,
    ...(order.failureReason ? { failureReason: order.failureReason } : {}),
    ...(order.cancelReason ? { cancelReason: order.cancelReason } : {}),
  };
}

export function adminOrderSummaryView(order: OrderSummary) {
  return { ...orderSummaryView(order), customerId: order.customerId };
}

export function orderView(order: OrderDetails) {
  return {
    ...orderSummaryView(order),
    suborders: order.suborders.map((s) => ({
      suborderId: s.suborderId,
      warehouseId: s.warehouseId,
      status: s.status,
      lines: s.lines.map((l) => ({ itemId: l.itemId, quantity: l.quantity })),
    })),
  };
}
