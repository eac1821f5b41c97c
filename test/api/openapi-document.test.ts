/**
 * The OpenAPI document validates as OpenAPI 3.1, and every route the app serves is in it (and nothing
 * that it does not serve). The app is built in-process from the same createApp as the API process.
 */
import assert from 'node:assert/strict';
import { compileErrors, validate } from '@readme/openapi-parser';
import { Client } from '@temporalio/client';
import { createApp } from '../../api/app.js';
import { createLogger } from '../../observability/logger.js';

type Document = { openapi: string; paths: Record<string, Record<string, { responses?: object }>> };

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

function buildApp() {
  // Nothing is called while the document is built: the dependencies only need to exist.
  return createApp({
    jwtSecret: 'unused',
    jwtMaxLifetimeSeconds: 3600,
    logger: createLogger('test', 'error'),
    probes: [],
    temporal: new Client(),
    checkout: {} as never,
    repositories: {} as never,
    stockEvents: {} as never,
    waitingRoom: {} as never,
  });
}

/** Operations the app routes, as `METHOD /path/{param}` (middleware, registered as ALL, excluded). */
function servedOperations(app: ReturnType<typeof buildApp>): Set<string> {
  return new Set(
    app.routes
      .filter((route) => route.method !== 'ALL')
      .map((route) => `${route.method} ${route.path.replaceAll(/:([^/]+)/g, '{$1}')}`),
  );
}

function documentedOperations(doc: Document): Set<string> {
  return new Set(
    Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((key) => HTTP_METHODS.includes(key))
        .map((method) => `${method.toUpperCase()} ${path}`),
    ),
  );
}

function coverageProblems(served: Set<string>, documented: Set<string>): string[] {
  return [
    ...[...served].filter((op) => !documented.has(op)).map((op) => `served but undocumented: ${op}`),
    ...[...documented].filter((op) => !served.has(op)).map((op) => `documented but not served: ${op}`),
  ];
}

describe('api: the OpenAPI document', () => {
  const app = buildApp();
  let doc: Document;

  before(async () => {
    const res = await app.request('/openapi.json');
    assert.equal(res.status, 200);
    doc = (await res.json()) as Document;
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    assert.equal(doc.openapi, '3.1.0');
    const result = await validate(structuredClone(doc) as never);
    assert.ok(result.valid, result.valid ? '' : compileErrors(result));
    assert.deepEqual(result.warnings, []);
  });

  it('documents every route the app serves, and only those', () => {
    const served = servedOperations(app);
    assert.ok(served.size >= 19, `only ${served.size} operations`);
    assert.deepEqual(coverageProblems(served, documentedOperations(doc)), []);
  });

  it('gives every operation its responses, problems as application/problem+json', () => {
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const responses = operation.responses as Record<string, { content?: Record<string, unknown> }>;
        assert.ok(
          Object.keys(responses).some((s) => s.startsWith('2')),
          `${method} ${path}: a success`,
        );
        for (const [status, response] of Object.entries(responses)) {
          if (Number(status) >= 400 && response.content && !('application/json' in response.content)) {
            assert.ok('application/problem+json' in response.content, `${method} ${path} ${status}`);
          }
        }
      }
    }
  });

  it('the checks bite: a broken document and a missing route are caught', async () => {
    const broken = structuredClone(doc) as Document & { paths: Record<string, unknown> };
    broken.paths['/items'] = { get: { responses: 'none' } } as never;
    const result = await validate(broken as never);
    assert.equal(result.valid, false);

    const lessDocumented = structuredClone(doc);
    delete lessDocumented.paths['/cart'];
    assert.deepEqual(coverageProblems(servedOperations(app), documentedOperations(lessDocumented)), [
      'served but undocumented: GET /cart',
      'served but undocumented: PATCH /cart',
    ]);
  });
});
