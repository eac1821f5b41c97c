/**
 * What the data layer throws. Two families an activity must tell apart:
 *
 * - `DataLayerError` subclasses are outcomes of the business rules. `type` is a stable name to use as an
 *   ApplicationFailure type; when `retryable` is false, retrying cannot change the answer, so convert
 *   them to non-retryable failures. `VersionConflictError` is retryable: it only means the row was too
 *   hot for the repository's own retries, and a later attempt may well win.
 * - Everything else is infrastructure. `isTransientDbError` recognises the failures that heal by
 *   themselves (shard down or restarting, connection lost, serialization failure, deadlock, too many
 *   connections); rethrow those and let Temporal retry with backoff.
 */

export abstract class DataLayerError extends Error {
  abstract readonly type: string;
  abstract readonly retryable: boolean;
}

export interface ShortLine {
  itemId: string;
  requested: number;
  available: number;
}

export class OutOfStockError extends DataLayerError {
  override readonly name = 'OutOfStockError';
  readonly type = 'OutOfStock';
  readonly retryable = false;

  constructor(readonly lines: readonly ShortLine[]) {
    super(
      `out of stock: ${lines.map((l) => `${l.itemId} (requested ${l.requested}, available ${l.available})`).join(', ')}`,
    );
  }
}

export class VersionConflictError extends DataLayerError {
  override readonly name = 'VersionConflictError';
  readonly type = 'VersionConflict';
  readonly retryable = true;

  constructor(
    readonly entity: string,
    readonly key: string,
    readonly attempts: number,
  ) {
    super(`${entity} ${key} kept changing under us: gave up after ${attempts} attempts`);
  }
}

export class NotFoundError extends DataLayerError {
  override readonly name = 'NotFoundError';
  readonly type = 'NotFound';
  readonly retryable = false;

  constructor(
    readonly entity: string,
    readonly key: string,
  ) {
    super(`${entity} ${key} not found`);
  }
}

export class InvalidTransitionError extends DataLayerError {
  override readonly name = 'InvalidTransitionError';
  readonly type = 'InvalidTransition';
  readonly retryable = false;

  constructor(
    readonly entity: string,
    readonly key: string,
    readonly from: string,
    readonly to: string,
    readonly reason?: string,
  ) {
    super(`${entity} ${key} cannot go from ${from} to ${to}${reason ? `: ${reason}` : ''}`);
  }
}

/** An idempotency key was reused for a different effect: a caller bug, never retried. */
export class IdempotencyKeyConflictError extends DataLayerError {
  override readonly name = 'IdempotencyKeyConflictError';
  readonly type = 'IdempotencyKeyConflict';
  readonly retryable = false;

  constructor(
    readonly key: string,
    readonly difference: string,
  ) {
    super(`idempotency key ${key} was already used for a different effect (${difference})`);
  }
}

export function isDataLayerError(error: unknown): error is DataLayerError {
  return error instanceof DataLayerError;
}

/** Node and postgres.js error codes of a connection that could not be made or was lost. */
const TRANSIENT_CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_DESTROYED',
  'CONNECTION_ENDED',
]);

/** SQLSTATEs that describe the server's state, not the request: the same statement can succeed later. */
const TRANSIENT_SQLSTATES = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available
  '57014', // query_canceled (statement timeout)
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, recovering)
  '53000', // insufficient_resources
  '53100', // disk_full
  '53200', // out_of_memory
  '53300', // too_many_connections
  '58000', // system_error
  '58030', // io_error
  '25006', // read_only_sql_transaction (a standby during failover)
]);

/** True for failures that heal by themselves. Walks `cause` chains (drizzle wraps driver errors). */
export function isTransientDbError(error: unknown): boolean {
  const seen = new Set<unknown>();
  for (let current = error; current && typeof current === 'object' && !seen.has(current); ) {
    seen.add(current);
    if (current instanceof DataLayerError) return false;
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (TRANSIENT_CONNECTION_CODES.has(code) || TRANSIENT_SQLSTATES.has(code)) return true;
      // Class 08: connection exceptions reported by the server.
      if (/^08[0-9A-Z]{3}$/.test(code)) return true;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
