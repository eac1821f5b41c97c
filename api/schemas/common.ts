/** Schemas shared by every route: problems, ids, paging and the query-string number parsers. */
import { z } from '@hono/zod-openapi';
import { PROBLEM_MEDIA_TYPE } from '../problem.js';
import { text } from './text.js';

export const ProblemSchema = z
  .looseObject({
    type: z.string().openapi({ example: '/problems/validation' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    fields: z
      .array(z.object({ field: z.string(), message: z.string() }))
      .optional()
      .openapi({ description: 'The offending inputs, when the problem is about the request' }),
    requestId: z.string().optional().openapi({ description: 'Echo of X-Request-Id, for support' }),
  })
  .openapi('Problem', { description: 'RFC 9457 problem details; extensions depend on `type`' });

const PROBLEM_TEXT: Record<number, string> = {
  400: 'Invalid input: `/problems/validation`, `/problems/malformed-json` or `/problems/invalid-cursor`',
  401: 'Missing or invalid bearer token (`/problems/unauthorized`)',
  403: 'The token lacks the operator role (`/problems/forbidden`)',
  404: 'No such resource, or not yours (`/problems/not-found`)',
  409: 'Conflict with the current state',
  410: 'The checkout expired (`/problems/expired`)',
  413: 'Body larger than 64 KiB (`/problems/body-too-large`)',
  415: 'Body is not application/json (`/problems/unsupported-media-type`)',
  422: 'Well-formed, but refers to things that do not exist or reuses a key',
  503: 'A dependency (Temporal or a shard) is unavailable; retry later',
};

export type ProblemStatus = keyof typeof PROBLEM_TEXT;

/** OpenAPI responses for the problems a route can answer. */
export function problemResponses(...statuses: ProblemStatus[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: PROBLEM_TEXT[status] ?? 'Problem',
        content: { [PROBLEM_MEDIA_TYPE]: { schema: ProblemSchema } },
      },
    ]),
  );
}

export const jsonContent = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

/** A request body that must be present and JSON. */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
});

/** Ids are short printable tokens; anything else cannot name a resource. */
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;

export const ItemIdSchema = text()
  .regex(ID_PATTERN, 'not an item id')
  .openapi({ example: 'item-00001', description: 'Item id' });

export const OrderIdSchema = text()
  .regex(/^ord_[0-9a-f]{32}$/, 'not an order id')
  .openapi({ example: 'ord_0123456789abcdef0123456789abcdef' });

/** A customer id as bearer tokens carry it (`sub`): 1–128 visible ASCII characters. */
export const CustomerIdSchema = text()
  .regex(/^[\x21-\x7e]{1,128}$/, 'not a customer id: 1–128 visible ASCII characters')
  .openapi({ example: 'c-42' });

export const WarehouseIdSchema = text()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/, 'not a warehouse id')
  .openapi({ example: 'wh-east' });

/** Units in one request: whole, positive, and small enough that nobody means more. */
export const MAX_QUANTITY = 1_000;
export const QuantitySchema = z
  .number()
  .int('must be a whole number')
  .min(1, 'must be at least 1')
  .max(MAX_QUANTITY, `must be at most ${MAX_QUANTITY}`)
  .openapi({ example: 1 });

/** A whole number in a query string, parsed strictly (no signs, exponents, spaces or fractions). */
export function queryInteger(min: number, max: number, description: string) {
  return text()
    .regex(/^[0-9]{1,10}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`))
    .openapi({ type: 'integer', minimum: min, maximum: max, description });
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export const pagingQuery = {
  cursor: text()
    .min(1)
    .max(2048)
    .optional()
    .openapi({ description: '`nextCursor` of the previous page; only valid with the same filters' }),
  limit: queryInteger(1, MAX_PAGE_SIZE, `Page size, ${DEFAULT_PAGE_SIZE} by default`).optional(),
};

export const DateTimeQuery = z.iso
  .datetime({ offset: true, message: 'must be an RFC 3339 date-time, e.g. 2025-01-31T00:00:00Z' })
  .transform((text) => new Date(text))
  .refine((date) => !Number.isNaN(date.getTime()), 'is not a date in the calendar')
  .openapi({ type: 'string', format: 'date-time', example: '2025-01-31T00:00:00Z' });

export const NextCursorSchema = z
  .string()
  .nullable()
  .openapi({ description: 'Pass as `cursor` for the next page; null on the last page' });

/** A page of a listing: its rows under `rowsKey`, the cursor of the next page, and the page size. */
export function pageSchema<K extends string, T extends z.ZodType>(rowsKey: K, row: T, name: string) {
  const rows = { [rowsKey]: z.array(row) } as Record<K, z.ZodArray<T>>;
  return z.object({ ...rows, nextCursor: NextCursorSchema, limit: z.number().int() }).openapi(name);
}

export const bearerSecurity = [{ bearerAuth: [] }];
