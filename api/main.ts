/** The API process: config, Temporal client, shard pools, HTTP server; SIGTERM/SIGINT close it cleanly. */
import { serve } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../config/env.js';
import { createRepositories } from '../db/repositories/index.js';
import { createShardSet } from '../db/shard-set.js';
import { createApp } from './app.js';
import { createLogger } from './logger.js';
import { createOrderReads } from './order-reads.js';

const config = loadConfig();
const logger = createLogger('api', config.logLevel);
const shards = createShardSet(config.db);
const repos = createRepositories({ shardSet: shards, cursorSecret: config.cursorSecret });
const connection = await Connection.connect({ address: config.temporal.address });
const temporal = new Client({ connection, namespace: config.temporal.namespace });

const app = createApp({
  jwtSecret: config.jwtSecret,
  logger,
  probes: [
    { name: 'temporal', check: async () => void (await connection.workflowService.getSystemInfo({})) },
    ...shards.shards.map((shard) => ({
      name: shard.id,
      check: async () => void (await shard.sql`select 1`),
    })),
  ],
  checkout: {
    temporal,
    orderTaskQueue: config.temporal.orderTaskQueue,
    reservationTtlSeconds: config.reservationTtlSeconds,
    publicBaseUrl: config.publicBaseUrl,
  },
  orders: createOrderReads(repos.orders),
});

const server = serve({ fetch: app.fetch, port: config.apiPort, hostname: '0.0.0.0' }, (info) => {
  logger.info('api listening', { port: info.port });
});

async function close(signal: string): Promise<void> {
  logger.info('api stopping', { signal });
  server.close();
  await Promise.allSettled([connection.close(), shards.close()]);
  process.exit(0);
}
process.once('SIGTERM', () => void close('SIGTERM'));
process.once('SIGINT', () => void close('SIGINT'));
