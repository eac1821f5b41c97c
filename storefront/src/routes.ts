/** Every page of the storefront and the console, by hash route. */
import { consolePage } from './pages/console.js';
import { consoleOrderPage } from './pages/console-order.js';
import { consoleRestockPage } from './pages/console-restock.js';
import { orderPage } from './pages/order.js';
import { ordersPage } from './pages/orders.js';
import type { Route } from './router.js';

export const ROUTES: Route[] = [
  { pattern: '/orders', page: ordersPage },
  { pattern: '/orders/:orderId', page: orderPage },
  { pattern: '/console', page: consolePage },
  { pattern: '/console/orders/:customerId/:orderId', page: consoleOrderPage },
  { pattern: '/console/restock', page: consoleRestockPage },
];
