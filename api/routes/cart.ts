/** GET /cart and PATCH /cart?op=ADD|REMOVE: the customer's cart on their shard. ADD checks available stock. */
import { NotFoundError, OutOfStockError } from '../../db/errors.js';
import type { CartRepository } from '../../db/repositories/cart-repository.js';
import { cachePrivately } from '../cache-control.js';
import { ProblemError, problems } from '../problem.js';
import { newRouter } from '../router.js';
import { CartChangeQuerySchema, CartLineSchema, CartSchema } from '../schemas/cart.js';
import { MAX_CHECKOUT_LINES } from '../schemas/checkout.js';
import { jsonBody, jsonContent, MAX_QUANTITY } from '../schemas/common.js';
import { bearerRoute } from './bearer-route.js';

const getCart = bearerRoute('Cart', 'get', '/cart', {
  summary: 'My cart',
  responses: { 200: jsonContent(CartSchema, 'The cart (empty for a new customer)') },
  problems: [401, 503],
});

const changeCart = bearerRoute('Cart', 'patch', '/cart', {
  summary: 'Add units of an item to my cart, or remove them',
  description:
    'ADD needs the item to exist (422 `/problems/unknown-items`) and the resulting line to be available ' +
    'right now (409 `/problems/out-of-stock`); stock is only held at checkout. A line holds at most ' +
    `${MAX_QUANTITY} units and a cart ${MAX_CHECKOUT_LINES} lines (409 \`/problems/cart-limit\`). ` +
    'REMOVE takes up to `quantity` units off the line; removing what is not there changes nothing.',
  request: { query: CartChangeQuerySchema, body: jsonBody(CartLineSchema) },
  responses: { 200: jsonContent(CartSchema, 'The cart after the change') },
  problems: [400, 401, 409, 413, 415, 422, 503],
});

export function cartRoutes(carts: CartRepository) {
  return newRouter()
    .openapi(getCart, async (c) => {
      const cart = await carts.getCart(c.get('customerId'));
      cachePrivately(c);
      return c.json({ items: cart.lines }, 200);
    })
    .openapi(changeCart, async (c) => {
      const { op } = c.req.valid('query');
      const { itemId, quantity } = c.req.valid('json');
      const customerId = c.get('customerId');
      if (op === 'REMOVE') {
        const cart = await carts.removeFromCart({ customerId, itemId, quantity });
        cachePrivately(c);
        return c.json({ items: cart.lines }, 200);
      }
      // Limits are checked on a read, not under the cart's version: a race can pass them by one change.
      const before = await carts.getCart(customerId);
      const line = before.lines.find((l) => l.itemId === itemId);
      if ((line?.quantity ?? 0) + quantity > MAX_QUANTITY) {
        throw new ProblemError(problems.cartLimit(`A cart line holds at most ${MAX_QUANTITY} units`));
      }
      if (!line && before.lines.length >= MAX_CHECKOUT_LINES) {
        throw new ProblemError(problems.cartLimit(`A cart holds at most ${MAX_CHECKOUT_LINES} lines`));
      }
      try {
        const cart = await carts.addToCart({ customerId, itemId, quantity });
        cachePrivately(c);
        return c.json({ items: cart.lines }, 200);
      } catch (error) {
        if (error instanceof NotFoundError) throw new ProblemError(problems.unknownItems([itemId]));
        if (error instanceof OutOfStockError) throw new ProblemError(problems.outOfStock([...error.lines]));
        throw error;
      }
    });
}
