/**
 * Property: no route accepts text PostgreSQL cannot store (NUL, lone surrogates) or control characters.
 * Every operation in the served OpenAPI document has a valid baseline request below; each of its path
 * parameters, query parameters and body strings in turn gets each poison, and the answer must be a 400
 * `/problems/validation` naming exactly that input — never a 2xx, never a 5xx. Header parameters are left
 * out: HTTP clients and Node's server refuse NUL and controls in header values before any route sees them.
 */
import assert from 'node:assert/strict';
import { api } from '../support/platform.js';
import { usePlatform } from '../support/platform-suite.js';
import { ADDRESS, CARD_OK, newShopper, type Shopper } from './support.js';

type Caller = 'nobody' | 'shopper' | 'operator';

interface Baseline {
  as: Caller;
  path?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
}

const ORD = 'ord_0123456789abcdef0123456789abcdef';
const ITEM = 'item-00001';

/** Requests every validator accepts: the poison is then the only thing wrong with them. */
const BASELINES: Record<string, Baseline[]> = {
  'GET /health': [{ as: 'nobody' }],
  'GET /metrics': [{ as: 'nobody' }],
  'GET /openapi.json': [{ as: 'nobody' }],
  'GET /docs': [{ as: 'nobody' }],
  'GET /docs/assets/{asset}': [{ as: 'nobody', path: { asset: 'swagger-ui.css' } }],
  'GET /items': [
    {
      as: 'nobody',
      query: { query: 'red shoes', type: 'test', minPrice: '0', maxPrice: '5000', cursor: 'abc', limit: '5' },
    },
  ],
  'GET /items/{itemId}': [{ as: 'nobody', path: { itemId: ITEM } }],
  'GET /items/{itemId}/stock/events': [{ as: 'nobody', path: { itemId: ITEM } }],
  'GET /cart': [{ as: 'shopper' }],
  'PATCH /cart': [{ as: 'shopper', query: { op: 'ADD' }, body: { itemId: ITEM, quantity: 1 } }],
  'POST /checkout': [
    { as: 'shopper', query: { op: 'BEGIN' }, body: { cart: [{ itemId: ITEM, quantity: 1 }] } },
    { as: 'shopper', query: { op: 'SUBMIT' }, body: { orderId: ORD } },
    { as: 'shopper', query: { op: 'CANCEL' }, body: { orderId: ORD } },
  ],
  'POST /checkout/{orderId}/payment': [
    {
      as: 'shopper',
      path: { orderId: ORD },
      body: { paymentDetails: CARD_OK, shippingAddress: ADDRESS },
    },
  ],
  'GET /checkout/waiting-room/{itemId}/tickets/{ticket}/events': [
    { as: 'shopper', path: { itemId: ITEM, ticket: '1-0123456789abcdef' } },
  ],
  'GET /orders': [{ as: 'shopper', query: { cursor: 'abc', limit: '5', since: '2025-01-01T00:00:00Z' } }],
  'GET /orders/{orderId}': [{ as: 'shopper', path: { orderId: ORD } }],
  'POST /admin/items': [
    {
      as: 'operator',
      body: {
        name: 'Lamp',
        description: 'A lamp.\nWarm light.',
        price: 100,
        type: 'test',
        stock: [{ warehouseId: 'wh-east', quantity: 1 }],
      },
    },
  ],
  'POST /admin/items/{itemId}/hot': [{ as: 'operator', path: { itemId: ITEM }, body: { admitPerSecond: 5 } }],
  'DELETE /admin/items/{itemId}/hot': [{ as: 'operator', path: { itemId: ITEM } }],
  'GET /admin/warehouses': [{ as: 'operator' }],
  'POST /admin/warehouses/{warehouseId}/stock': [
    {
      as: 'operator',
      path: { warehouseId: 'wh-east' },
      body: { itemId: ITEM, quantity: 1, adjustmentId: 'grn-1' },
    },
  ],
  'GET /admin/orders': [
    {
      as: 'operator',
      query: {
        from: '2025-01-01T00:00:00Z',
        to: '2025-02-01T00:00:00Z',
        status: 'PENDING',
        customerId: 'c-42',
        cursor: 'abc',
        limit: '5',
      },
    },
  ],
  'GET /admin/orders/{orderId}': [{ as: 'operator', path: { orderId: ORD }, query: { customerId: 'c-42' } }],
  'POST /admin/orders/{orderId}/cancel': [
    { as: 'operator', path: { orderId: ORD }, body: { reason: 'damaged in the warehouse' } },
  ],
  'POST /admin/suborders/{suborderId}/ship': [{ as: 'operator', path: { suborderId: `${ORD}.wh-east` } }],
  'POST /admin/suborders/{suborderId}/deliver': [{ as: 'operator', path: { suborderId: `${ORD}.wh-east` } }],
};

/** Poisons for JSON bodies, where any UTF-16 string can be written. */
const BODY_POISONS = ['\u0000', '\ud800', '\udc00', '\u0007', '\u001b', '\u007f', '\u0085'];
/** The same (less the surrogates, which a URL cannot carry) percent-encoded for paths and queries. */
const URL_POISONS = ['%00', '%07', '%1B', '%7F', '%C2%85'];

const poisoned = (value: string, poison: string) => `${value.slice(0, 1)}${poison}${value.slice(1)}`;

interface Operation {
  parameters?: { in: string; name: string }[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}
interface Schema {
  $ref?: string;
  type?: string;
  oneOf?: Schema[];
  properties?: Record<string, Schema>;
  items?: Schema;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

/** Dotted paths (arrays as `0`) of every string in a request body schema. */
function stringPaths(doc: Document, schema: Schema | undefined, prefix: string[] = []): string[] {
  if (!schema) return [];
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    return stringPaths(doc, doc.components.schemas[name], prefix);
  }
  if (schema.oneOf) return schema.oneOf.flatMap((s) => stringPaths(doc, s, prefix));
  if (schema.type === 'string') return [prefix.join('.')];
  if (schema.items) return stringPaths(doc, schema.items, [...prefix, '0']);
  return Object.entries(schema.properties ?? {}).flatMap(([key, s]) => stringPaths(doc, s, [...prefix, key]));
}

/** Dotted paths of the string leaves of a JSON value. */
function stringLeaves(value: unknown, prefix: string[] = []): string[] {
  if (typeof value === 'string') return [prefix.join('.')];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, v]) => stringLeaves(v, [...prefix, key]));
}

function withLeaf(value: unknown, path: string[], replace: (leaf: string) => string): unknown {
  if (path.length === 0) return replace(value as string);
  const [head, ...rest] = path as [string, ...string[]];
  if (Array.isArray(value)) return value.map((v, i) => (String(i) === head ? withLeaf(v, rest, replace) : v));
  const record = value as Record<string, unknown>;
  return { ...record, [head]: withLeaf(record[head], rest, replace) };
}

function url(
  template: string,
  baseline: Baseline,
  poison?: { in: 'path' | 'query'; name: string; value: string },
) {
  const encode = (where: 'path' | 'query', name: string, value: string) =>
    poison?.in === where && poison.name === name
      ? poisoned(encodeURIComponent(value), poison.value)
      : encodeURIComponent(value);
  const path = template.replaceAll(/\{(\w+)\}/g, (_, name: string) =>
    encode('path', name, baseline.path?.[name] ?? ''),
  );
  const query = Object.entries(baseline.query ?? {})
    .map(([name, value]) => `${name}=${encode('query', name, value)}`)
    .join('&');
  return query ? `${path}?${query}` : path;
}

describe('api: text that cannot be stored is refused by every route with a 400 naming the input', function () {
  this.timeout(180_000);
  const live = usePlatform({ processes: ['api'], shards: false, operator: 'ops-unstorable-text' });
  let doc: Document;
  let shopper: Shopper;

  before(async () => {
    shopper = await newShopper();
    const res = await api(live.platform, 'GET', '/openapi.json');
    assert.equal(res.status, 200);
    doc = res.body;
  });

  const documented = () =>
    Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => ({
        key: `${method.toUpperCase()} ${path}`,
        operation,
      })),
    );

  it('has a baseline for every documented operation, covering each of its inputs', () => {
    const problems: string[] = [];
    for (const { key, operation } of documented()) {
      const baselines = BASELINES[key];
      if (!baselines) {
        problems.push(`${key}: no baseline`);
        continue;
      }
      for (const param of operation.parameters ?? []) {
        if (param.in === 'header') continue;
        const given = baselines.every(
          (b) => (param.in === 'path' ? b.path : b.query)?.[param.name] !== undefined,
        );
        if (!given) problems.push(`${key}: ${param.in} parameter ${param.name} missing from a baseline`);
      }
      const bodyStrings = new Set(baselines.flatMap((b) => stringLeaves(b.body)));
      const schema = operation.requestBody?.content?.['application/json']?.schema;
      for (const field of stringPaths(doc, schema)) {
        if (!bodyStrings.has(field)) problems.push(`${key}: body string ${field} missing from the baselines`);
      }
    }
    assert.deepEqual(problems, []);
    assert.equal(documented().length, Object.keys(BASELINES).length, 'no baseline for an undocumented route');
  });

  for (const [key, baselines] of Object.entries(BASELINES)) {
    it(`${key}: every path, query and body string`, async () => {
      const [method, template] = key.split(' ') as [string, string];
      const failures: string[] = [];
      let sent = 0;
      const expect400 = async (
        label: string,
        field: string,
        as: Caller,
        path: string,
        body: unknown,
      ): Promise<void> => {
        const token = as === 'shopper' ? shopper.token : as === 'operator' ? live.operator : undefined;
        const res = await api(live.platform, method, path, { token, body });
        sent += 1;
        const fields = res.body?.fields?.map((f: { field: string }) => f.field);
        const ok =
          res.status === 400 &&
          res.headers.get('content-type') === 'application/problem+json' &&
          res.body.type === '/problems/validation' &&
          JSON.stringify(fields) === JSON.stringify([field]);
        if (!ok) failures.push(`${label}: ${res.status} ${JSON.stringify(res.body)}`);
      };
      for (const baseline of baselines) {
        for (const where of ['path', 'query'] as const) {
          for (const name of Object.keys(baseline[where] ?? {})) {
            for (const value of URL_POISONS) {
              const path = url(template, baseline, { in: where, name, value });
              await expect400(
                `${where} ${name} ${value}`,
                `${where}.${name}`,
                baseline.as,
                path,
                baseline.body,
              );
            }
          }
        }
        for (const leaf of stringLeaves(baseline.body)) {
          for (const poison of BODY_POISONS) {
            const body = withLeaf(baseline.body, leaf.split('.'), (v) => poisoned(v, poison));
            const label = `body ${leaf} ${JSON.stringify(poison)}`;
            await expect400(label, leaf, baseline.as, url(template, baseline), body);
          }
        }
      }
      assert.deepEqual(failures, [], `${failures.length} of ${sent} poisoned requests were not refused`);
      const inputs =
        baselines.flatMap((b) => [...Object.keys(b.path ?? {}), ...Object.keys(b.query ?? {})]).length +
        baselines.flatMap((b) => stringLeaves(b.body)).length;
      assert.equal(sent > 0, inputs > 0, 'every input of the operation was poisoned');
    });
  }
});
