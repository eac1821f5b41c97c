/** Every repository over one ShardSet, wired from the same dependencies. */
import type { CursorSecret } from '../cursor.js';
import type { ShardSet } from '../shard-set.js';
import type { VersionRetryOptions } from '../version-retry.js';
import { createCartRepository } from './cart-repository.js';
import { createCatalogRepository } from './catalog-repository.js';
import { createOrderRepository, type OrderRepositoryDeps } from './order-repository.js';
import { createPaymentLedgerRepository } from './payment-ledger-repository.js';
import { createStockRepository } from './stock-repository.js';
import { createSuborderRepository } from './suborder-repository.js';
import { createWarehouseRepository } from './warehouse-repository.js';
import { createWarehouseStockRepository } from './warehouse-stock-repository.js';

export interface RepositoryDeps extends VersionRetryOptions, Pick<OrderRepositoryDeps, 'onOrderMoved'> {
  shardSet: ShardSet;
  /** Signs pagination cursors; every process serving the same listings must share it. */
  cursorSecret: CursorSecret;
}

export function createRepositories(deps: RepositoryDeps) {
  return {
    catalog: createCatalogRepository(deps),
    carts: createCartRepository(deps),
    stock: createStockRepository(deps),
    warehouses: createWarehouseRepository(deps),
    warehouseStock: createWarehouseStockRepository(deps),
    orders: createOrderRepository(deps),
    suborders: createSuborderRepository(deps),
    payments: createPaymentLedgerRepository(deps),
    /** Where each item and customer lives, for callers that group a multi-line step by shard. */
    shardSet: deps.shardSet as Pick<ShardSet, 'forItem' | 'forCustomer'>,
  };
}

export type Repositories = ReturnType<typeof createRepositories>;
