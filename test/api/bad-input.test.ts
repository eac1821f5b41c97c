/**
 * Strict with bad input: a table of malformed requests across every route, each answered with a 4xx
 * problem+json of a stable type. None may produce a 5xx.
 */
import assert from 'node:assert/strict';
import { sign } from 'hono/jwt';
import { stockedItem } from '../support/catalog-fixture.js';
import { api, TEST_JWT_SECRET } from '../support/platform.js';
import { usePlatform } from '../support/platform-suite.js';
import { ADDRESS, begin, CARD_OK, newShopper, type Shopper } from './support.js';

interface Case {
  name: string;
  method: string;
  /** A function when the path needs fixtures made in `before`. */
  path: string | (() => string);
  as?: 'shopper' | 'operator' | 'nobody' | (() => Promise<string>);
  body?: unknown;
  headers?: Record<string, string>;
  status: number;
  type: string;
  /** The offending fields the problem must name, when the case pins them. */
  fields?: string[];
}

const V = '/problems/validation';
const NOT_FOUND = '/problems/not-found';
const ORD = 'ord_00000000000000000000000000000000';
/** Stands for the fixture item's id, which exists only once `before` ran. */
const ITEM = '$item';
const longText = (n: number) => 'x'.repeat(n);

describe('api: bad input is refused with a 4xx problem, never a 5xx', function () {
  this.timeout(180_000);
  const live = usePlatform({ env: { RESERVATION_TTL_SECONDS: '120' }, operator: 'ops-bad-input' });
  let shopper: Shopper;
  let itemId: string;
  let orderId: string;
  let itemsCursor: string;

  before(async () => {
    itemId = await stockedItem(live.db.repos, { 'wh-east': 3 });
    await stockedItem(live.db.repos, { 'wh-east': 3 });
    shopper = await newShopper();
    orderId = (await begin(live.platform, shopper, [{ itemId, quantity: 1 }])).orderId;
    const page = await api(live.platform, 'GET', '/items?type=test&limit=1');
    assert.equal(page.status, 200);
    itemsCursor = page.body.nextCursor;
    assert.ok(itemsCursor, 'two test items: a first page has a next cursor');
  });

  const tampered = () => {
    const [payload, tag] = itemsCursor.split('.') as [string, string];
    const flipped = tag.at(-2) === 'A' ? 'B' : 'A';
    return `${payload}.${tag.slice(0, -2)}${flipped}${tag.at(-1)}`;
  };
  const forgedPayload = () => {
    const [, tag] = itemsCursor.split('.') as [string, string];
    const payload = Buffer.from(JSON.stringify({ v: 1, k: 'items:x', p: { rank: 0, itemId: 'a' } })).toString(
      'base64url',
    );
    return `${payload}.${tag}`;
  };
  const line = (quantity: unknown, id: unknown = ITEM) => ({ cart: [{ itemId: id, quantity }] });
  const payment = (card: object, address: object = ADDRESS) => ({
    paymentDetails: { ...CARD_OK, ...card },
    shippingAddress: address,
  });

  const cases: Case[] = [
    // catalog (public)
    { name: 'limit 0', method: 'GET', path: '/items?limit=0', status: 400, type: V },
    {
      name: 'limit over 100',
      method: 'GET',
      path: '/items?limit=101',
      status: 400,
      type: V,
      fields: ['query.limit'],
    },
    { name: 'limit not a number', method: 'GET', path: '/items?limit=ten', status: 400, type: V },
    { name: 'limit negative', method: 'GET', path: '/items?limit=-5', status: 400, type: V },
    { name: 'limit fractional', method: 'GET', path: '/items?limit=2.5', status: 400, type: V },
    { name: 'limit twice', method: 'GET', path: '/items?limit=1&limit=2', status: 400, type: V },
    {
      name: 'price range upside down',
      method: 'GET',
      path: '/items?minPrice=500&maxPrice=100',
      status: 400,
      type: V,
      fields: ['query.minPrice'],
    },
    { name: 'negative price', method: 'GET', path: '/items?minPrice=-1', status: 400, type: V },
    { name: 'huge price', method: 'GET', path: '/items?maxPrice=99999999999', status: 400, type: V },
    { name: 'query too long', method: 'GET', path: `/items?query=${longText(201)}`, status: 400, type: V },
    { name: 'unknown query parameter', method: 'GET', path: '/items?colour=red', status: 400, type: V },
    {
      name: 'query that is a NUL',
      method: 'GET',
      path: '/items?query=%00',
      status: 400,
      type: V,
      fields: ['query.query'],
    },
    {
      name: 'query with a NUL inside',
      method: 'GET',
      path: '/items?query=abc%00def',
      status: 400,
      type: V,
      fields: ['query.query'],
    },
    {
      name: 'item id with a NUL',
      method: 'GET',
      path: '/items/item%0000001',
      status: 400,
      type: V,
      fields: ['path.itemId'],
    },
    { name: 'malformed type', method: 'GET', path: '/items?type=Not%20A%20Type', status: 400, type: V },
    {
      name: 'garbage cursor',
      method: 'GET',
      path: '/items?cursor=garbage',
      status: 400,
      type: '/problems/invalid-cursor',
    },
    {
      name: 'tampered cursor',
      method: 'GET',
      path: () => `/items?type=test&cursor=${tampered()}`,
      status: 400,
      type: '/problems/invalid-cursor',
    },
    {
      name: 'forged cursor payload',
      method: 'GET',
      path: () => `/items?type=test&cursor=${forgedPayload()}`,
      status: 400,
      type: '/problems/invalid-cursor',
    },
    {
      name: 'cursor of other filters',
      method: 'GET',
      path: () => `/items?type=other&cursor=${itemsCursor}`,
      status: 400,
      type: '/problems/invalid-cursor',
    },
    { name: 'unknown item', method: 'GET', path: '/items/no-such-item', status: 404, type: NOT_FOUND },
    {
      name: 'item id that cannot be one',
      method: 'GET',
      path: '/items/%20bad%20id%20',
      status: 404,
      type: NOT_FOUND,
    },
    {
      name: 'stock stream of an unknown item',
      method: 'GET',
      path: '/items/no-such-item/stock/events',
      status: 404,
      type: NOT_FOUND,
    },
    // cart
    {
      name: 'cart without a token',
      method: 'PATCH',
      path: '/cart?op=ADD',
      as: 'nobody',
      body: { itemId: ITEM, quantity: 1 },
      status: 401,
      type: '/problems/unauthorized',
    },
    {
      name: 'unknown cart op',
      method: 'PATCH',
      path: '/cart?op=MULTIPLY',
      body: { itemId: ITEM, quantity: 1 },
      status: 400,
      type: V,
    },
    {
      name: 'missing cart op',
      method: 'PATCH',
      path: '/cart',
      body: { itemId: ITEM, quantity: 1 },
      status: 400,
      type: V,
    },
    {
      name: 'zero quantity',
      method: 'PATCH',
      path: '/cart?op=ADD',
      body: { itemId: ITEM, quantity: 0 },
      status: 400,
      type: V,
    },
    {
      name: 'negative quantity',
      method: 'PATCH',
      path: '/cart?op=ADD',
      body: { itemId: ITEM, quantity: -2 },
      status: 400,
      type: V,
      fields: ['quantity'],
    },
    {
      name: 'fractional quantity',
      method: 'PATCH',
      path: '/cart?op=ADD',
      body: { itemId: ITEM, quantity: 1.5 },
      status: 400,
      type: V,
    },
    {
      name: 'huge quantity',
      method: 'PATCH',
      path: '/cart?op=ADD',
      body: { itemId: ITEM, quantity: 1e12 },
      status: 400,
      type: V,
    },
    {
      name: 'quantity as a string',
      method: 'PATCH',
      path: '/cart?op=ADD',
      body: { itemId: ITEM, quantity: '3' },
      status: 400,
      type: V,
    },
    {
      name: 'missing item id',
      method: 'PATCH',
      path: '/cart?op=ADD',
      body: { quantity: 1 },
      status: 400,
      type: V,
    },
    {
      name: 'extra field',
      method: 'PATCH',
      path: '/cart?op=ADD',
      body: { itemId: ITEM, quantity: 1, price: 0 },
      status: 400,
      type: V,
    },
    { name: 'body is an array', method: 'PATCH', path: '/cart?op=ADD', body: [], status: 400, type: V },
    {
      name: 'cart: malformed JSON',
      method: 'PATCH',
      path: '/cart?op=ADD',
      body: '{"itemId": ',
      status: 400,
      type: '/problems/malformed-json',
    },
    {
      name: 'cart: wrong content type',
      method: 'PATCH',
      path: '/cart?op=ADD',
      body: 'itemId=x',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      status: 415,
      type: '/problems/unsupported-media-type',
    },
    {
      name: 'cart: unknown item',
      method: 'PATCH',
      path: '/cart?op=ADD',
      body: { itemId: 'no-such-item', quantity: 1 },
      status: 422,
      type: '/problems/unknown-items',
    },
    {
      name: 'cart: more than available',
      method: 'PATCH',
      path: '/cart?op=ADD',
      body: { itemId: ITEM, quantity: 50 },
      status: 409,
      type: '/problems/out-of-stock',
    },
    // checkout
    { name: 'checkout without op', method: 'POST', path: '/checkout', body: line(1), status: 400, type: V },
    {
      name: 'unknown checkout op',
      method: 'POST',
      path: '/checkout?op=PAY',
      body: line(1),
      status: 400,
      type: V,
    },
    {
      name: 'BEGIN: empty cart array',
      method: 'POST',
      path: '/checkout?op=BEGIN',
      body: { cart: [] },
      status: 400,
      type: V,
    },
    {
      name: 'BEGIN: empty saved cart',
      method: 'POST',
      path: '/checkout?op=BEGIN',
      as: async () => (await newShopper()).token,
      status: 400,
      type: V,
    },
    {
      name: 'BEGIN: one item twice',
      method: 'POST',
      path: '/checkout?op=BEGIN',
      body: {
        cart: [
          { itemId: ITEM, quantity: 1 },
          { itemId: ITEM, quantity: 2 },
        ],
      },
      status: 400,
      type: V,
    },
    {
      name: 'BEGIN: unknown item',
      method: 'POST',
      path: '/checkout?op=BEGIN',
      body: line(1, 'no-such-item'),
      status: 422,
      type: '/problems/unknown-items',
      fields: ['cart.0.itemId'],
    },
    {
      name: 'BEGIN: quantity over the limit',
      method: 'POST',
      path: '/checkout?op=BEGIN',
      body: line(1001),
      status: 400,
      type: V,
      fields: ['cart.0.quantity'],
    },
    {
      name: 'BEGIN: quantity null',
      method: 'POST',
      path: '/checkout?op=BEGIN',
      body: line(null),
      status: 400,
      type: V,
    },
    {
      name: 'BEGIN: item id a number',
      method: 'POST',
      path: '/checkout?op=BEGIN',
      body: line(1, 42),
      status: 400,
      type: V,
    },
    {
      name: 'BEGIN: item id too long',
      method: 'POST',
      path: '/checkout?op=BEGIN',
      body: line(1, longText(300)),
      status: 400,
      type: V,
    },
    {
      name: 'BEGIN: a line that is null',
      method: 'POST',
      path: '/checkout?op=BEGIN',
      body: { cart: [null] },
      status: 400,
      type: V,
    },
    {
      name: 'BEGIN: cart is a string',
      method: 'POST',
      path: '/checkout?op=BEGIN',
      body: { cart: 'everything' },
      status: 400,
      type: V,
    },
    {
      name: 'BEGIN: 101 lines',
      method: 'POST',
      path: '/checkout?op=BEGIN',
      body: { cart: Array.from({ length: 101 }, (_, i) => ({ itemId: `i-${i}`, quantity: 1 })) },
      status: 400,
      type: V,
    },
    {
      name: 'BEGIN: oversized body',
      method: 'POST',
      path: '/checkout?op=BEGIN',
      body: { cart: [{ itemId: ITEM, quantity: 1 }], pad: longText(70_000) },
      status: 413,
      type: '/problems/body-too-large',
    },
    {
      name: 'BEGIN: malformed JSON',
      method: 'POST',
      path: '/checkout?op=BEGIN',
      body: '{"cart": [',
      status: 400,
      type: '/problems/malformed-json',
    },
    {
      name: 'BEGIN: wrong content type',
      method: 'POST',
      path: '/checkout?op=BEGIN',
      body: 'cart',
      headers: { 'Content-Type': 'text/plain' },
      status: 415,
      type: '/problems/unsupported-media-type',
    },
    {
      name: 'BEGIN: idempotency key with spaces',
      method: 'POST',
      path: '/checkout?op=BEGIN',
      body: line(1),
      headers: { 'Idempotency-Key': 'two words' },
      status: 400,
      type: V,
    },
    {
      name: 'BEGIN: idempotency key too long',
      method: 'POST',
      path: '/checkout?op=BEGIN',
      body: line(1),
      headers: { 'Idempotency-Key': longText(256) },
      status: 400,
      type: V,
    },
    {
      name: 'SUBMIT: not an order id',
      method: 'POST',
      path: '/checkout?op=SUBMIT',
      body: { orderId: 'order-1' },
      status: 400,
      type: V,
    },
    {
      name: 'SUBMIT: no order id',
      method: 'POST',
      path: '/checkout?op=SUBMIT',
      body: {},
      status: 400,
      type: V,
    },
    {
      name: 'SUBMIT: an order that does not exist',
      method: 'POST',
      path: '/checkout?op=SUBMIT',
      body: { orderId: ORD },
      status: 404,
      type: NOT_FOUND,
    },
    {
      name: 'SUBMIT: before payment details',
      method: 'POST',
      path: '/checkout?op=SUBMIT',
      body: () => ({ orderId }),
      status: 409,
      type: '/problems/conflict',
    },
    {
      name: 'CANCEL: order id a number',
      method: 'POST',
      path: '/checkout?op=CANCEL',
      body: { orderId: 7 },
      status: 400,
      type: V,
    },
    // payment URL
    {
      name: 'payment: not an order id',
      method: 'POST',
      path: '/checkout/12345/payment',
      body: payment({}),
      status: 404,
      type: NOT_FOUND,
    },
    {
      name: 'payment: unknown order',
      method: 'POST',
      path: `/checkout/${ORD}/payment`,
      body: payment({}),
      status: 404,
      type: NOT_FOUND,
    },
    {
      name: 'payment: letters in the card number',
      method: 'POST',
      path: () => `/checkout/${orderId}/payment`,
      body: payment({ cardNumber: '4242abcd42424242' }),
      status: 400,
      type: V,
    },
    {
      name: 'payment: card failing the Luhn check',
      method: 'POST',
      path: () => `/checkout/${orderId}/payment`,
      body: payment({ cardNumber: '4242424242424241' }),
      status: 400,
      type: V,
      fields: ['paymentDetails.cardNumber'],
    },
    {
      name: 'payment: month 13',
      method: 'POST',
      path: () => `/checkout/${orderId}/payment`,
      body: payment({ expMonth: 13 }),
      status: 400,
      type: V,
    },
    {
      name: 'payment: expired card',
      method: 'POST',
      path: () => `/checkout/${orderId}/payment`,
      body: payment({ expYear: 2001 }),
      status: 400,
      type: V,
    },
    {
      name: 'payment: three-letter country',
      method: 'POST',
      path: () => `/checkout/${orderId}/payment`,
      body: payment({}, { ...ADDRESS, country: 'USA' }),
      status: 400,
      type: V,
    },
    {
      name: 'payment: no address',
      method: 'POST',
      path: () => `/checkout/${orderId}/payment`,
      body: { paymentDetails: CARD_OK },
      status: 400,
      type: V,
    },
    {
      name: 'payment: name too long',
      method: 'POST',
      path: () => `/checkout/${orderId}/payment`,
      body: payment({}, { ...ADDRESS, name: longText(300) }),
      status: 400,
      type: V,
    },
    {
      name: 'payment: NUL in the shipping name',
      method: 'POST',
      path: () => `/checkout/${orderId}/payment`,
      body: payment({}, { ...ADDRESS, name: 'Ada\u0000Lovelace' }),
      status: 400,
      type: V,
      fields: ['shippingAddress.name'],
    },
    {
      name: 'payment: lone surrogate in the city',
      method: 'POST',
      path: () => `/checkout/${orderId}/payment`,
      body: payment({}, { ...ADDRESS, city: 'Arl\ud800ington' }),
      status: 400,
      type: V,
      fields: ['shippingAddress.city'],
    },
    {
      name: 'payment: no body',
      method: 'POST',
      path: () => `/checkout/${orderId}/payment`,
      status: 400,
      type: V,
    },
    // orders
    { name: 'orders: limit too big', method: 'GET', path: '/orders?limit=1000', status: 400, type: V },
    {
      name: 'orders: since not a date',
      method: 'GET',
      path: '/orders?since=yesterday',
      status: 400,
      type: V,
    },
    {
      name: 'orders: cursor of another listing',
      method: 'GET',
      path: () => `/orders?cursor=${itemsCursor}`,
      status: 400,
      type: '/problems/invalid-cursor',
    },
    {
      name: 'orders: not an order id',
      method: 'GET',
      path: '/orders/not-an-order',
      status: 404,
      type: NOT_FOUND,
    },
    // operators
    {
      name: 'admin with a shopper token',
      method: 'GET',
      path: '/admin/warehouses',
      status: 403,
      type: '/problems/forbidden',
    },
    {
      name: 'admin orders without from',
      method: 'GET',
      path: '/admin/orders?to=2030-01-01T00:00:00Z',
      as: 'operator',
      status: 400,
      type: V,
    },
    {
      name: 'admin orders from after to',
      method: 'GET',
      path: '/admin/orders?from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z',
      as: 'operator',
      status: 400,
      type: V,
    },
    {
      name: 'admin orders by a status that is none',
      method: 'GET',
      path: '/admin/orders?from=2030-01-01T00:00:00Z&to=2030-01-02T00:00:00Z&status=LOST',
      as: 'operator',
      status: 400,
      type: V,
      fields: ['query.status'],
    },
    {
      name: 'admin orders by a customer id that cannot be one',
      method: 'GET',
      path: '/admin/orders?from=2030-01-01T00:00:00Z&to=2030-01-02T00:00:00Z&customerId=has%20space',
      as: 'operator',
      status: 400,
      type: V,
      fields: ['query.customerId'],
    },
    {
      name: 'admin orders from not a date',
      method: 'GET',
      path: '/admin/orders?from=2030-13-45&to=2030-01-01T00:00:00Z',
      as: 'operator',
      status: 400,
      type: V,
    },
    {
      name: 'new item: negative price',
      method: 'POST',
      path: '/admin/items',
      as: 'operator',
      body: { name: 'A', description: '', price: -1, type: 'toys', stock: [] },
      status: 400,
      type: V,
    },
    {
      name: 'new item: price in dollars',
      method: 'POST',
      path: '/admin/items',
      as: 'operator',
      body: { name: 'A', description: '', price: 9.99, type: 'toys', stock: [] },
      status: 400,
      type: V,
    },
    {
      name: 'new item: empty name',
      method: 'POST',
      path: '/admin/items',
      as: 'operator',
      body: { name: '  ', description: '', price: 100, type: 'toys', stock: [] },
      status: 400,
      type: V,
    },
    {
      name: 'new item: NUL in the name',
      method: 'POST',
      path: '/admin/items',
      as: 'operator',
      body: { name: 'La\u0000mp', description: '', price: 100, type: 'toys', stock: [] },
      status: 400,
      type: V,
      fields: ['name'],
    },
    {
      name: 'new item: NUL in the description',
      method: 'POST',
      path: '/admin/items',
      as: 'operator',
      body: { name: 'Lamp', description: 'warm\u0000light', price: 100, type: 'toys', stock: [] },
      status: 400,
      type: V,
      fields: ['description'],
    },
    {
      name: 'new item: bad type',
      method: 'POST',
      path: '/admin/items',
      as: 'operator',
      body: { name: 'A', description: '', price: 100, type: 'Bad Type', stock: [] },
      status: 400,
      type: V,
    },
    {
      name: 'new item: one warehouse twice',
      method: 'POST',
      path: '/admin/items',
      as: 'operator',
      body: {
        name: 'A',
        description: '',
        price: 100,
        type: 'toys',
        stock: [
          { warehouseId: 'wh-east', quantity: 1 },
          { warehouseId: 'wh-east', quantity: 2 },
        ],
      },
      status: 400,
      type: V,
    },
    {
      name: 'new item: a stock entry that is null',
      method: 'POST',
      path: '/admin/items',
      as: 'operator',
      body: { name: 'A', description: '', price: 100, type: 'toys', stock: [null] },
      status: 400,
      type: V,
    },
    {
      name: 'new item: unknown warehouse',
      method: 'POST',
      path: '/admin/items',
      as: 'operator',
      body: {
        name: 'A',
        description: '',
        price: 100,
        type: 'toys',
        stock: [{ warehouseId: 'wh-moon', quantity: 1 }],
      },
      status: 422,
      type: '/problems/unknown-warehouses',
    },
    {
      name: 'restock: unknown warehouse',
      method: 'POST',
      path: '/admin/warehouses/wh-moon/stock',
      as: 'operator',
      body: { itemId: ITEM, quantity: 1 },
      status: 404,
      type: NOT_FOUND,
    },
    {
      name: 'restock: zero units',
      method: 'POST',
      path: '/admin/warehouses/wh-east/stock',
      as: 'operator',
      body: { itemId: ITEM, quantity: 0 },
      status: 400,
      type: V,
    },
    {
      name: 'restock: unknown item',
      method: 'POST',
      path: '/admin/warehouses/wh-east/stock',
      as: 'operator',
      body: { itemId: 'no-such-item', quantity: 1 },
      status: 422,
      type: '/problems/unknown-items',
    },
    {
      name: 'ship: not a suborder id',
      method: 'POST',
      path: '/admin/suborders/garbage/ship',
      as: 'operator',
      status: 404,
      type: NOT_FOUND,
    },
    {
      name: 'ship: suborder of no order',
      method: 'POST',
      path: `/admin/suborders/${ORD}.wh-east/ship`,
      as: 'operator',
      status: 404,
      type: NOT_FOUND,
    },
    // tokens and routes
    {
      name: 'token that is no JWT',
      method: 'GET',
      path: '/cart',
      as: async () => 'not-a-jwt',
      status: 401,
      type: '/problems/unauthorized',
    },
    {
      name: 'token signed with another secret',
      method: 'GET',
      path: '/cart',
      as: () => sign({ sub: 'c-1', exp: Math.floor(Date.now() / 1000) + 60 }, 'other-secret', 'HS256'),
      status: 401,
      type: '/problems/unauthorized',
    },
    {
      name: 'expired token',
      method: 'GET',
      path: '/cart',
      as: () => sign({ sub: 'c-1', exp: Math.floor(Date.now() / 1000) - 60 }, TEST_JWT_SECRET, 'HS256'),
      status: 401,
      type: '/problems/unauthorized',
    },
    {
      name: 'token without sub',
      method: 'GET',
      path: '/cart',
      as: () => sign({ exp: Math.floor(Date.now() / 1000) + 60 }, TEST_JWT_SECRET, 'HS256'),
      status: 401,
      type: '/problems/unauthorized',
    },
    {
      name: 'token without exp',
      method: 'GET',
      path: '/cart',
      as: () => sign({ sub: 'c-1', iat: Math.floor(Date.now() / 1000) }, TEST_JWT_SECRET, 'HS256'),
      status: 401,
      type: '/problems/unauthorized',
    },
    {
      name: 'token living longer than 24 hours',
      method: 'GET',
      path: '/cart',
      as: () => {
        const now = Math.floor(Date.now() / 1000);
        return sign({ sub: 'c-1', iat: now - 60, exp: now + 24 * 3600 }, TEST_JWT_SECRET, 'HS256');
      },
      status: 401,
      type: '/problems/unauthorized',
    },
    {
      name: 'token without iat expiring in more than 24 hours',
      method: 'GET',
      path: '/cart',
      as: () =>
        sign({ sub: 'c-1', exp: Math.floor(Date.now() / 1000) + 25 * 3600 }, TEST_JWT_SECRET, 'HS256'),
      status: 401,
      type: '/problems/unauthorized',
    },
    { name: 'no such route', method: 'GET', path: '/nowhere', status: 404, type: NOT_FOUND },
    { name: 'no such method', method: 'DELETE', path: '/cart', status: 404, type: NOT_FOUND },
  ];

  it(`has at least 40 cases (${cases.length})`, () => {
    assert.ok(cases.length >= 40);
    assert.equal(new Set(cases.map((c) => c.name)).size, cases.length, 'case names are unique');
  });

  const statuses: number[] = [];
  for (const testCase of cases) {
    it(`${testCase.status} ${testCase.type}: ${testCase.name}`, async () => {
      const token =
        testCase.as === 'nobody'
          ? undefined
          : testCase.as === 'operator'
            ? live.operator
            : typeof testCase.as === 'function'
              ? await testCase.as()
              : shopper.token;
      const path = typeof testCase.path === 'function' ? testCase.path() : testCase.path;
      const raw = typeof testCase.body === 'function' ? testCase.body() : testCase.body;
      const body =
        typeof raw === 'string'
          ? raw
          : (JSON.parse(JSON.stringify(raw ?? null).replaceAll(`"${ITEM}"`, JSON.stringify(itemId))) ??
            undefined);
      const res = await api(live.platform, testCase.method, path, { token, body, headers: testCase.headers });
      statuses.push(res.status);
      assert.equal(res.status, testCase.status, JSON.stringify(res.body));
      assert.equal(res.headers.get('content-type'), 'application/problem+json');
      assert.equal(res.body.type, testCase.type, JSON.stringify(res.body));
      assert.equal(res.body.status, testCase.status);
      assert.equal(typeof res.body.detail, 'string');
      assert.ok(res.body.detail.length > 0);
      if (testCase.fields) {
        assert.deepEqual(
          res.body.fields.map((f: { field: string }) => f.field),
          testCase.fields,
        );
      }
      if (testCase.status === 400) {
        assert.ok(res.body.fields?.length > 0, `400s name the offending field: ${JSON.stringify(res.body)}`);
      }
    });
  }

  it('answered every case, none with a 5xx', () => {
    assert.equal(statuses.length, cases.length);
    assert.deepEqual(
      statuses.filter((s) => s >= 500),
      [],
    );
  });
});
