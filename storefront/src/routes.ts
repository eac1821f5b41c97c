/** Every page of the storefront and the console, by hash route. */
import { cartPage } from './pages/cart.js';
import { checkoutPage } from './pages/checkout.js';
import { consolePage } from './pages/console.js';
import { consoleOrderPage } from './pages/console-order.js';
import { consoleRestockPage } from './pages/console-restock.js';
import { itemPage } from './pages/item.js';
import { orderPage } from './pages/order.js';
import { ordersPage } from './pages/orders.js';
import { searchPage } from './pages/search.js';
import type { Route } from './router.js';

export const ROUTES: Route[] = [
  { pattern: '/', page: searchPage },
  { pattern: '/items/:itemId', page: itemPage },
  { pattern: '/cart', page: cartPage },
  { pattern: '/checkout/:orderId', page: checkoutPage },
  { pattern: '/orders', page: ordersPage },
  { pattern: '/orders/:orderId', page: orderPage },
  { pattern: '/console', page: consolePage },
  { pattern: '/console/orders/:customerId/:orderId', page: consoleOrderPage },
  { pattern: '/console/restock', page: consoleRestockPage },
];
