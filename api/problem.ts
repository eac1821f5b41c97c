/** RFC 9457 problem details: every error the API returns has this shape and media type. */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export interface FieldError {
  /** Dotted path of the offending input: `cart.0.quantity`, `query.limit`, `body`. */
  field: string;
  message: string;
}

export interface Problem {
  /** Stable identifier clients can branch on, e.g. /problems/out-of-stock */
  type: string;
  title: string;
  status: ContentfulStatusCode;
  detail: string;
  [extension: string]: unknown;
}

export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

export function problemResponse(c: Context, problem: Problem): Response {
  const requestId: unknown = c.get('requestId');
  const body = typeof requestId === 'string' ? { ...problem, requestId } : problem;
  return c.body(JSON.stringify(body), problem.status, {
    'Content-Type': PROBLEM_MEDIA_TYPE,
    'Cache-Control': 'no-store',
  });
}

export class ProblemError extends Error {
  constructor(readonly problem: Problem) {
    // An answer to the client, not a fault: nobody reads its stack, and a flash sale refuses by the
    // thousand, so none is captured.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(problem.detail);
    Error.stackTraceLimit = stackTraceLimit;
  }
}

const QUEUE_TICKET_TITLES = {
  unknown: 'Unknown queue ticket',
  foreign: "Another shopper's queue ticket",
  waiting: 'Queue ticket not admitted yet',
  expired: 'Queue ticket expired',
} as const;
const QUEUE_TICKET_STATUS = { unknown: 422, foreign: 403, waiting: 409, expired: 410 } as const;

const problem =
  (type: string, title: string, status: ContentfulStatusCode) =>
  (detail: string, extensions: Record<string, unknown> = {}): Problem => ({
    type: `/problems/${type}`,
    title,
    status,
    detail,
    ...extensions,
  });

/** A problem about one input, `field`, whose message is the problem's detail. */
const fieldProblem =
  (type: string, title: string, status: ContentfulStatusCode, field: string) =>
  (detail: string): Problem =>
    problem(type, title, status)(detail, { fields: [{ field, message: detail }] });

export const problems = {
  unauthorized: problem('unauthorized', 'Unauthorized', 401),
  forbidden: problem('forbidden', 'Forbidden', 403),
  notFound: problem('not-found', 'Not found', 404),
  validation: (detail: string, fields: FieldError[]): Problem =>
    problem('validation', 'Invalid request', 400)(detail, { fields }),
  malformedJson: fieldProblem('malformed-json', 'Malformed JSON', 400, 'body'),
  invalidCursor: fieldProblem('invalid-cursor', 'Invalid cursor', 400, 'cursor'),
  cartLimit: fieldProblem('cart-limit', 'Cart limit', 409, 'quantity'),
  unsupportedMediaType: (detail: string): Problem =>
    problem(
      'unsupported-media-type',
      'Unsupported media type',
      415,
    )(detail, {
      fields: [{ field: 'Content-Type', message: 'must be application/json' }],
    }),
  bodyTooLarge: (maxBytes: number): Problem =>
    problem(
      'body-too-large',
      'Body too large',
      413,
    )(`Request bodies are limited to ${maxBytes} bytes`, {
      fields: [{ field: 'body', message: `larger than ${maxBytes} bytes` }],
    }),
  /** `fieldOf` names where each id was given (`cart.2.itemId`); `itemId` by default. */
  unknownItems: (itemIds: string[], fieldOf: (itemId: string) => string = () => 'itemId'): Problem =>
    problem(
      'unknown-items',
      'Unknown items',
      422,
    )(`No such item: ${itemIds.join(', ')}`, {
      itemIds,
      fields: itemIds.map((id) => ({ field: fieldOf(id), message: 'no such item' })),
    }),
  unknownWarehouses: (warehouseIds: string[]): Problem =>
    problem(
      'unknown-warehouses',
      'Unknown warehouses',
      422,
    )(`No such warehouse: ${warehouseIds.join(', ')}`, {
      warehouseIds,
      fields: warehouseIds.map(() => ({ field: 'stock.warehouseId', message: 'no such warehouse' })),
    }),
  outOfStock: (lines: { itemId: string; requested: number; available: number }[]): Problem =>
    problem(
      'out-of-stock',
      'Out of stock',
      409,
    )(
      `Not enough stock for: ${lines.map((l) => `${l.itemId} (requested ${l.requested}, available ${l.available})`).join(', ')}`,
      { lines },
    ),
  conflict: problem('conflict', 'Conflict', 409),
  /** A Queue-Ticket that cannot open BEGIN of a hot item: `type` names why. */
  queueTicket: (type: keyof typeof QUEUE_TICKET_STATUS, detail: string): Problem =>
    problem(
      `queue-ticket-${type}`,
      QUEUE_TICKET_TITLES[type],
      QUEUE_TICKET_STATUS[type],
    )(detail, {
      fields: [{ field: 'Queue-Ticket', message: detail }],
    }),
  expired: problem('expired', 'Expired', 410),
  idempotencyKeyReused: (detail: string, field: string): Problem =>
    problem(
      'idempotency-key-reused',
      'Idempotency key reused',
      422,
    )(detail, {
      fields: [{ field, message: 'already used with a different request' }],
    }),
  unavailable: problem('service-unavailable', 'Service unavailable', 503),
  internal: (): Problem =>
    problem('internal', 'Internal error', 500)('The request failed unexpectedly; it is safe to retry.'),
};
