/**
 * What the data layer throws. Two families an activity must tell apart:
 *
 * - `DataLayerError` subclasses are outcomes of the business rules. `type` is a stable name to use as an
 *   ApplicationFailure type; when `retryable` is false, retrying cannot change the answer, so convert
 *   them to non-retryable failures. `VersionConflictError` is retryable: it only means the row was too
 *   hot for the repository's own retries, and a later attempt may well win.
 * - Everything else is infrastructure. `classifyDbError` tells the failures that heal by themselves
 *   (shard down or restarting, connection lost, serialization failure, deadlock, too many connections:
 *   retry with backoff) from those no retry can fix (bad data, a broken constraint, a bad statement).
 */

import type { ShortLine } from '../domain/order-lines.js';

/** What names a business outcome: the class name, the stable `type`, and whether a retry may help. */
interface DataLayerErrorKind {
  name: string;
  type: string;
  retryable: boolean;
}

export abstract class DataLayerError extends Error {
  override readonly name: string;
  readonly type: string;
  readonly retryable: boolean;

  protected constructor(kind: DataLayerErrorKind, message: string) {
    super(message);
    this.name = kind.name;
    this.type = kind.type;
    this.retryable = kind.retryable;
  }
}

export class OutOfStockError extends DataLayerError {
  constructor(readonly lines: readonly ShortLine[]) {
    super(
      { name: 'OutOfStockError', type: 'OutOfStock', retryable: false },
      `out of stock: ${lines.map((l) => `${l.itemId} (requested ${l.requested}, available ${l.available})`).join(', ')}`,
    );
  }
}

export class VersionConflictError extends DataLayerError {
  constructor(
    readonly entity: string,
    readonly key: string,
    readonly attempts: number,
  ) {
    super(
      { name: 'VersionConflictError', type: 'VersionConflict', retryable: true },
      `${entity} ${key} kept changing under us: gave up after ${attempts} attempts`,
    );
  }
}

export class NotFoundError extends DataLayerError {
  constructor(
    readonly entity: string,
    readonly key: string,
  ) {
    super({ name: 'NotFoundError', type: 'NotFound', retryable: false }, `${entity} ${key} not found`);
  }
}

export class InvalidTransitionError extends DataLayerError {
  constructor(
    readonly entity: string,
    readonly key: string,
    readonly from: string,
    readonly to: string,
    readonly reason?: string,
  ) {
    super(
      { name: 'InvalidTransitionError', type: 'InvalidTransition', retryable: false },
      `${entity} ${key} cannot go from ${from} to ${to}${reason ? `: ${reason}` : ''}`,
    );
  }
}

/** An idempotency key was reused for a different effect: a caller bug, never retried. */
export class IdempotencyKeyConflictError extends DataLayerError {
  constructor(
    readonly key: string,
    readonly difference: string,
  ) {
    super(
      { name: 'IdempotencyKeyConflictError', type: 'IdempotencyKeyConflict', retryable: false },
      `idempotency key ${key} was already used for a different effect (${difference})`,
    );
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
  '58000', // system_error
  '58030', // io_error
  '25006', // read_only_sql_transaction (a standby during failover)
]);

/** SQLSTATE classes of failures that heal by themselves, whatever the code within them. */
const TRANSIENT_CLASSES = new Set([
  '08', // connection_exception
  '53', // insufficient_resources (disk full, out of memory, too many connections)
]);

/**
 * SQLSTATE classes of statements the server will refuse however often they are sent: bad data (a NUL in
 * a JSON value, a number out of range), a broken constraint, a statement that names what does not exist.
 * They are bugs or bad input, and retrying them only wedges the caller.
 */
const PERMANENT_CLASSES: Record<string, string> = {
  '0A': 'feature_not_supported',
  '21': 'cardinality_violation',
  '22': 'data_exception',
  '23': 'integrity_constraint_violation',
  '26': 'invalid_sql_statement_name',
  '27': 'triggered_data_change_violation',
  '2B': 'dependent_privilege_descriptors_still_exist',
  '2D': 'invalid_transaction_termination',
  '2F': 'sql_routine_exception',
  '34': 'invalid_cursor_name',
  '38': 'external_routine_exception',
  '39': 'external_routine_invocation_exception',
  '3B': 'savepoint_exception',
  '42': 'syntax_error_or_access_rule_violation',
  '44': 'with_check_option_violation',
  P0: 'plpgsql_error',
};

const SQLSTATE = /^[0-9A-Z]{5}$/;

/**
 * What a failed database call was, without anything the statement carried. `transient`: retry with
 * backoff; `permanent`: no retry can succeed; `unknown`: a database failure of neither kind (retried, to
 * be safe). The fields name schema objects only, never values.
 */
export interface DbFailure {
  kind: 'transient' | 'permanent' | 'unknown';
  /** The SQLSTATE, or the driver's code for a connection failure. */
  code: string | undefined;
  table?: string;
  column?: string;
  constraint?: string;
}

interface DriverErrorFields {
  code?: unknown;
  table_name?: unknown;
  column_name?: unknown;
  constraint_name?: unknown;
  query?: unknown;
  parameters?: unknown;
  cause?: unknown;
}

function kindOf(code: string | undefined): DbFailure['kind'] {
  if (code === undefined) return 'unknown';
  if (TRANSIENT_CONNECTION_CODES.has(code) || TRANSIENT_SQLSTATES.has(code)) return 'transient';
  if (!SQLSTATE.test(code)) return 'unknown';
  if (TRANSIENT_CLASSES.has(code.slice(0, 2))) return 'transient';
  return code.slice(0, 2) in PERMANENT_CLASSES ? 'permanent' : 'unknown';
}

const text = (value: unknown) => (typeof value === 'string' && value.length > 0 ? value : undefined);

/**
 * Classifies an error from the database driver (walking `cause` chains: drizzle wraps driver errors in
 * one whose message holds the statement and its parameters). Undefined when no link is a database
 * error, and for the data layer's own business errors.
 */
export function classifyDbError(error: unknown): DbFailure | undefined {
  const seen = new Set<unknown>();
  let isDatabaseError = false;
  for (let current = error; current && typeof current === 'object' && !seen.has(current); ) {
    seen.add(current);
    if (current instanceof DataLayerError) return undefined;
    const fields = current as DriverErrorFields;
    const code = text(fields.code);
    if (code && (TRANSIENT_CONNECTION_CODES.has(code) || SQLSTATE.test(code))) {
      return {
        kind: kindOf(code),
        code,
        table: text(fields.table_name),
        column: text(fields.column_name),
        constraint: text(fields.constraint_name),
      };
    }
    if ('query' in fields || 'parameters' in fields || (current as Error).name === 'DrizzleQueryError') {
      isDatabaseError = true;
    }
    current = fields.cause;
  }
  return isDatabaseError ? { kind: 'unknown', code: undefined } : undefined;
}

/** True for failures that heal by themselves. */
export function isTransientDbError(error: unknown): boolean {
  return classifyDbError(error)?.kind === 'transient';
}

/**
 * A one-line account of a database failure that is safe to log and to carry in a workflow failure:
 * the code, its class and the schema objects involved, never the statement's parameters or the
 * server's message (which can quote a value, e.g. `invalid input syntax for type json: "…"`).
 */
export function describeDbFailure(failure: DbFailure): string {
  const condition = failure.code && PERMANENT_CLASSES[failure.code.slice(0, 2)];
  const where = [
    failure.table && `table ${failure.table}`,
    failure.column && `column ${failure.column}`,
    failure.constraint && `constraint ${failure.constraint}`,
  ].filter(Boolean);
  return [
    `database call failed (${failure.kind})`,
    failure.code ? `code ${failure.code}${condition ? ` ${condition}` : ''}` : 'no code',
    ...where,
  ].join(', ');
}

/**
 * What to log about any error: a database failure as its redacted description, anything else with its
 * stack. The driver's errors, and drizzle's around them, hold the statement and its parameters.
 */
export function loggableError(error: unknown): string {
  const failure = classifyDbError(error);
  if (failure) return describeDbFailure(failure);
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
