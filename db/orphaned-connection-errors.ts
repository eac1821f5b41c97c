/**
 * postgres.js can reject a query promise that nobody awaits any more when its connection is closed under it
 * (a transaction whose connection ends while its rollback is queued: a shard failing over, a primary
 * restarting, a primary watch replacing a pool). Node would end the whole process on that rejection. The
 * operation that owned the query has already failed with its own error and is retried through its own path,
 * so a transient database error (a lost connection, a server shutting down) that nobody handled is logged and
 * dropped; any other unhandled rejection still ends the process.
 */
import type { Logger } from '../observability/logger.js';
import { classifyDbError } from './errors.js';

export function dropOrphanedConnectionErrors(logger: Logger): void {
  process.on('unhandledRejection', (reason) => {
    const failure = classifyDbError(reason);
    if (failure?.kind !== 'transient') throw reason;
    logger.warn('a database query nobody awaited lost its connection', { code: failure.code });
  });
}
