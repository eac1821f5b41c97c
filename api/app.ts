/** The HTTP application, built from its dependencies (no globals): middleware, every route, the OpenAPI document. */
import type { Tracer } from '@opentelemetry/api';
import type { Client } from '@temporalio/client';
import { bodyLimit } from 'hono/body-limit';
import type { Repositories } from '../db/repositories/index.js';
import type { Logger } from '../observability/logger.js';
import { createApiMetrics } from './api-metrics.js';
import { requireAuth, requireOperator } from './auth.js';
import { handleError } from './error-handler.js';
import { problemResponse, problems } from './problem.js';
import { requestContext } from './request-context.js';
import { requestSpan } from './request-span.js';
import { newRouter } from './router.js';
import { adminHotItemRoutes } from './routes/admin-hot-items.js';
import { adminItemRoutes } from './routes/admin-items.js';
import { adminOrderCancelRoutes } from './routes/admin-order-cancel.js';
import { adminOrderRoutes } from './routes/admin-orders.js';
import { adminSuborderRoutes } from './routes/admin-suborders.js';
import { adminWarehouseRoutes } from './routes/admin-warehouses.js';
import { cartRoutes } from './routes/cart.js';
import { type CheckoutDeps, checkoutRoutes } from './routes/checkout.js';
import { type PaymentDeps, paymentRoutes } from './routes/checkout-payment.js';
import { demoLoginRoutes } from './routes/demo-login.js';
import { docsRoutes } from './routes/docs.js';
import { type DependencyProbe, healthRoutes, probe } from './routes/health.js';
import { itemStockEventRoutes } from './routes/item-stock-events.js';
import { type ItemPageBody, itemRoutes } from './routes/items.js';
import { metricsRoutes } from './routes/metrics.js';
import { orderRoutes } from './routes/orders.js';
import { waitingRoomEventRoutes } from './routes/waiting-room-events.js';
import type { SearchCache } from './search-cache.js';
import type { StockEvents } from './stock-events.js';
import { type StorefrontSettings, storefrontRoutes } from './storefront.js';
import type { HotItems } from './waiting-room/hot-items.js';
import type { RoomFeeds } from './waiting-room/room-feeds.js';

export interface ApiDeps {
  jwtSecret: string;
  /** Longest bearer token lifetime accepted (JWT_MAX_LIFETIME_SECONDS). */
  jwtMaxLifetimeSeconds: number;
  logger: Logger;
  probes: readonly DependencyProbe[];
  temporal: Client;
  checkout: Omit<CheckoutDeps, 'temporal'> & Omit<PaymentDeps, 'temporal'>;
  repositories: Pick<
    Repositories,
    'catalog' | 'carts' | 'stock' | 'orders' | 'warehouses' | 'warehouseStock'
  >;
  stockEvents: StockEvents;
  /**
   * Answers GET /items when it can; none: every search reads the shards. Whoever makes it clears it on
   * stock changes (StockEvents.watchAll); the API clears it when an operator adds an item or restocks.
   */
  searchCache?: SearchCache<ItemPageBody>;
  /** Interval of SSE heartbeat comments; 15 s by default. */
  stockHeartbeatMs?: number;
  /** A server span per request when tracing is on (observability/tracing.ts); none without. */
  tracer?: Tracer;
  /** Waiting rooms of hot items: the operator's routes and the tickets' event streams. */
  waitingRoom: WaitingRoomDeps;
  /** The storefront at `/`; with `demoLogin`, POST /demo/token too. */
  storefront?: StorefrontSettings;
}

export interface WaitingRoomDeps {
  hotItems: HotItems;
  feeds: RoomFeeds;
  /** Signs queue tickets to their shoppers. */
  ticketSecret: string;
  defaultAdmitPerSecond: number;
  admissionWindowSeconds: number;
}

export const MAX_BODY_BYTES = 64 * 1024;

const DOCUMENT_INFO = {
  openapi: '3.1.0',
  info: {
    title: 'Order platform API',
    version: '1.0.0',
    description:
      'Shoppers search, fill a cart, check out (a 5-minute reservation), pay and follow their orders; operators ' +
      'manage the catalog, stock and shipments. Errors are `application/problem+json` with a stable `type`. ' +
      'Money is integer cents. Authenticate with `Authorization: Bearer <JWT>` (HS256, `sub` = customer id; ' +
      '`role: "operator"` for /admin).',
  },
  servers: [{ url: '/' }],
  tags: [
    { name: 'Catalog', description: 'Public reads, cacheable for a short while' },
    { name: 'Cart' },
    { name: 'Checkout' },
    { name: 'Orders' },
    { name: 'Operators', description: 'Need a token with `role: "operator"`' },
    { name: 'Operations' },
  ],
};

export function createApp(deps: ApiDeps) {
  const { repositories: repos, temporal } = deps;
  const metrics = createApiMetrics({
    failedOrders: () => repos.orders.countWithStatus('FAILED'),
    writablePrimaries: () =>
      Promise.all(
        deps.probes
          .filter((dep) => dep.shard)
          .map(async (dep) => ({ shard: dep.name, writable: (await probe(dep)).ok })),
      ),
  });
  const app = newRouter();

  if (deps.tracer) app.use(requestSpan(deps.tracer));
  app.use(requestContext(deps.logger, metrics));
  app.use(
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => problemResponse(c, problems.bodyTooLarge(MAX_BODY_BYTES)),
    }),
  );
  const auth = requireAuth({ secret: deps.jwtSecret, maxLifetimeSeconds: deps.jwtMaxLifetimeSeconds });
  for (const path of ['/cart', '/checkout', '/checkout/*', '/orders', '/orders/*']) app.use(path, auth);
  app.use('/admin/*', auth, requireOperator());

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'HS256, signed with JWT_SECRET; `sub` is the customer id; `role: "operator"` for /admin',
  });

  app.route('/', healthRoutes(deps.probes));
  app.route('/', metricsRoutes(metrics.registry));
  app.route('/', itemRoutes(repos.catalog, deps.searchCache));
  app.route(
    '/',
    itemStockEventRoutes({
      stock: repos.stock,
      stockEvents: deps.stockEvents,
      metrics,
      heartbeatMs: deps.stockHeartbeatMs,
    }),
  );
  app.route('/', cartRoutes(repos.carts));
  app.route('/', checkoutRoutes({ ...deps.checkout, temporal }, metrics));
  app.route('/', waitingRoomEventRoutes(deps.waitingRoom));
  app.route('/', paymentRoutes({ ...deps.checkout, temporal }));
  app.route('/', orderRoutes(repos.orders));
  const onCatalogChange = async () => {
    await deps.searchCache?.clear();
  };
  app.route('/', adminItemRoutes({ ...repos, onCatalogChange }));
  app.route('/', adminWarehouseRoutes({ ...repos, onCatalogChange }));
  app.route(
    '/',
    adminHotItemRoutes({
      ...deps.waitingRoom,
      temporal,
      catalog: repos.catalog,
      orderTaskQueue: deps.checkout.orderTaskQueue,
    }),
  );
  app.route('/', adminOrderRoutes(repos.orders));
  app.route('/', adminOrderCancelRoutes(temporal));
  app.route('/', adminSuborderRoutes(temporal));
  if (deps.storefront?.demoLogin) app.route('/', demoLoginRoutes(deps));
  if (deps.storefront) app.route('/', storefrontRoutes(deps.storefront));

  let document: ReturnType<typeof app.getOpenAPI31Document> | undefined;
  app.route(
    '/',
    docsRoutes(() => {
      document ??= app.getOpenAPI31Document(DOCUMENT_INFO);
      return document;
    }),
  );

  app.notFound((c) => problemResponse(c, problems.notFound(`No route for ${c.req.method} ${c.req.path}`)));
  app.onError(handleError);
  return app;
}
