/** Every page of the storefront and the console, by hash route. */
import { cartPage } from './pages/cart.js';
import { checkoutPage } from './pages/checkout.js';
import { itemPage } from './pages/item.js';
import { searchPage } from './pages/search.js';
import type { Route } from './router.js';

export const ROUTES: Route[] = [
  { pattern: '/', page: searchPage },
  { pattern: '/items/:itemId', page: itemPage },
  { pattern: '/cart', page: cartPage },
  { pattern: '/checkout/:orderId', page: checkoutPage },
];
