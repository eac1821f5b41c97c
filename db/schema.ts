/** The schema every shard has; tables are grouped by shard key in db/schema/. */
export * from './schema/carts.js';
export * from './schema/items.js';
export * from './schema/orders.js';
export * from './schema/payments.js';
export * from './schema/stock.js';
export * from './schema/warehouses.js';
