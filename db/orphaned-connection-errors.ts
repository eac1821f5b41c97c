/**
 * postgres.js can reject a query promise that nobody awaits any more when its connection is closed under it
 * (a transaction whose connection closes while its rollback is queued, during a shard failover or when a
 * primary watch replaces a pool). Node would end the whole process on that rejection. The operation that
 * owned the query has already failed with its own error and is retried through its own path, so such a
 * rejection is logged and dropped; any other unhandled rejection still ends the process.
 */
import type { Logger } from '../observability/logger.js';

const CONNECTION_LOSS_CODES = new Set(['CONNECTION_DESTROYED', 'CONNECTION_CLOSED', 'CONNECTION_ENDED']);

export function isOrphanedConnectionError(reason: unknown): boolean {
  const code = (reason as { code?: unknown } | null)?.code;
  return typeof code === 'string' && CONNECTION_LOSS_CODES.has(code);
}

export function dropOrphanedConnectionErrors(logger: Logger): void {
  process.on('unhandledRejection', (reason) => {
    if (!isOrphanedConnectionError(reason)) throw reason;
    logger.warn('a database query nobody awaited lost its connection', {
      code: (reason as { code: string }).code,
    });
  });
}
