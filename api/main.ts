/** The API process: config, Temporal client, shard pools, HTTP server; SIGTERM/SIGINT close it cleanly. */
import { serve } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import { devSecretsInUse, loadConfig } from '../config/env.js';
import { loggableError } from '../db/errors.js';
import { dropOrphanedConnectionErrors } from '../db/orphaned-connection-errors.js';
import { assertWritablePrimary, describeNodes } from '../db/replicas/shard-nodes.js';
import { createRepositories } from '../db/repositories/index.js';
import { createShardSet } from '../db/shard-set.js';
import { createLogger } from '../observability/logger.js';
import { clientTracingInterceptors } from '../observability/temporal-tracing.js';
import { startTracing } from '../observability/tracing.js';
import { createSimulatedGateway } from '../payment-gateway/simulator.js';
import { createApp } from './app.js';
import { checkoutDeps } from './checkout-wiring.js';
import { createRedisSearchCache } from './redis-search-cache.js';
import type { ItemPageBody } from './routes/items.js';
import { createMemorySearchCache } from './search-cache.js';
import { createStockEvents } from './stock-events.js';
import { createWaitingRoomGate } from './waiting-room/gate.js';
import { createHotItems } from './waiting-room/hot-items.js';
import { createRoomFeeds } from './waiting-room/room-feeds.js';

const config = loadConfig();
const logger = createLogger('api', config.logLevel);
const devSecrets = devSecretsInUse('api');
if (devSecrets.length > 0) {
  logger.warn('using development secrets: anyone can sign tokens with them; never expose this API', {
    secrets: devSecrets,
  });
}
if (config.demoLogin) {
  logger.warn(
    'DEMO_LOGIN=1: POST /demo/token hands anyone a token for any customer or operator; local use only',
  );
}
dropOrphanedConnectionErrors(logger);
const tracing = startTracing({ role: 'api', otlpEndpoint: config.otlpEndpoint });
const shards = createShardSet(config.db, tracing?.tracer);
const repos = createRepositories({ shardSet: shards, cursorSecret: config.cursorSecret });
const connection = await Connection.connect({ address: config.temporal.address });
const temporal = new Client({
  connection,
  namespace: config.temporal.namespace,
  interceptors: clientTracingInterceptors(tracing),
});
const stockEvents = createStockEvents({ shardSet: shards, logger });
function makeSearchCache() {
  const { ttlSeconds, redisUrl } = config.searchCache;
  if (ttlSeconds === 0) return undefined;
  if (redisUrl) return createRedisSearchCache<ItemPageBody>({ url: redisUrl, ttlSeconds, logger });
  return createMemorySearchCache<ItemPageBody>(config.searchCache);
}
const searchCache = makeSearchCache();
if (searchCache) {
  // Until every shard is listened to, a cached search may be stale for up to the TTL.
  stockEvents
    .watchAll(() => void searchCache.clear())
    .catch((error) =>
      logger.warn('search cache: stock changes not watched yet', { error: loggableError(error) }),
    );
}
const hotItems = createHotItems({ temporal, orderTaskQueue: config.temporal.orderTaskQueue, logger });
await hotItems.start();
const roomFeeds = createRoomFeeds({
  temporal,
  logger,
  pollMs: config.waitingRoom.pollMs,
  onClosed: hotItems.unmarked,
  isHot: hotItems.isHot,
});
// The API only tokenizes cards (the shopper-facing half of the gateway); the order worker moves money.
const gateway = createSimulatedGateway({
  ledger: repos.payments,
  tokenSecret: config.payment.tokenSecret,
  latencyMs: 0,
  failureRate: 0,
});

const app = createApp({
  jwtSecret: config.jwtSecret,
  jwtMaxLifetimeSeconds: config.jwtMaxLifetimeSeconds,
  logger,
  temporal,
  repositories: repos,
  stockEvents,
  searchCache,
  tracer: tracing?.tracer,
  waitingRoom: {
    hotItems,
    feeds: roomFeeds,
    ticketSecret: config.queueTicketSecret,
    defaultAdmitPerSecond: config.waitingRoom.admitPerSecond,
    admissionWindowSeconds: config.waitingRoom.admissionWindowSeconds,
  },
  storefront: {
    demoLogin: config.demoLogin,
    temporalUiUrl: config.temporalUiUrl,
    temporalNamespace: config.temporal.namespace,
  },
  probes: [
    { name: 'temporal', check: async () => void (await connection.workflowService.getSystemInfo({})) },
    ...shards.shards.map((shard) => ({
      name: shard.id,
      shard: true,
      check: () => assertWritablePrimary(shard.sql),
      nodes: () => describeNodes(shard.url),
    })),
  ],
  checkout: {
    ...checkoutDeps(
      {
        orderTaskQueue: config.temporal.orderTaskQueue,
        warehouseTaskQueue: config.temporal.warehouseTaskQueue,
        reservationTtlSeconds: config.reservationTtlSeconds,
        publicBaseUrl: config.publicBaseUrl,
      },
      repos,
      gateway,
    ),
    waitingRoom: createWaitingRoomGate({
      temporal,
      hotItems,
      publicBaseUrl: config.publicBaseUrl,
      ticketSecret: config.queueTicketSecret,
      feeds: roomFeeds,
    }),
  },
});

const server = serve({ fetch: app.fetch, port: config.apiPort, hostname: config.apiHost }, (info) => {
  logger.info('api listening', { host: config.apiHost, port: info.port });
});

async function close(signal: string): Promise<void> {
  logger.info('api stopping', { signal });
  server.close();
  hotItems.close();
  roomFeeds.close();
  await stockEvents.close();
  await searchCache?.close();
  await Promise.allSettled([connection.close(), shards.close(), tracing?.shutdown()]);
  process.exit(0);
}
process.once('SIGTERM', () => void close('SIGTERM'));
process.once('SIGINT', () => void close('SIGINT'));
