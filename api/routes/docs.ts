/**
 * GET /openapi.json (the OpenAPI 3.1 document) and GET /docs (Swagger UI). The UI's files come from the
 * swagger-ui-dist package and are served by the API itself: the page loads nothing from elsewhere, and its
 * Content-Security-Policy says so.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createRoute, z } from '@hono/zod-openapi';
import { newRouter } from '../router.js';
import { jsonContent, problemResponses } from '../schemas/common.js';

const ASSETS = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'docs-init.js': 'text/javascript; charset=utf-8',
} as const;
type AssetName = keyof typeof ASSETS;

const DOCS_INIT = `window.addEventListener('load', () => {
  window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true, persistAuthorization: true });
});
`;

const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Order platform API</title>
  <link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/assets/docs-init.js"></script>
</body>
</html>
`;

const CONTENT_SECURITY_POLICY =
  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'";

const OpenApiDocumentSchema = z
  .looseObject({ openapi: z.string(), info: z.looseObject({}), paths: z.looseObject({}) })
  .openapi('OpenApiDocument');

const openapiJson = createRoute({
  method: 'get',
  path: '/openapi.json',
  tags: ['Operations'],
  summary: 'This OpenAPI 3.1 document',
  responses: { 200: jsonContent(OpenApiDocumentSchema, 'The document') },
});

const docsPage = createRoute({
  method: 'get',
  path: '/docs',
  tags: ['Operations'],
  summary: 'The API documentation (Swagger UI, served locally)',
  responses: { 200: { description: 'HTML page', content: { 'text/html': { schema: z.string() } } } },
});

const docsAsset = createRoute({
  method: 'get',
  path: '/docs/assets/{asset}',
  tags: ['Operations'],
  summary: 'Files of the documentation page',
  request: {
    params: z.object({
      asset: z
        .enum(Object.keys(ASSETS) as [AssetName, ...AssetName[]])
        .openapi({ param: { name: 'asset', in: 'path' } }),
    }),
  },
  responses: {
    200: { description: 'The file', content: { 'application/octet-stream': { schema: z.string() } } },
    ...problemResponses(404),
  },
});

function swaggerUiDir(): string {
  return path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
}

export function docsRoutes(openApiDocument: () => object) {
  const files = new Map<AssetName, Promise<Uint8Array<ArrayBuffer> | string>>();
  const load = (name: AssetName) => {
    let file = files.get(name);
    if (!file) {
      file =
        name === 'docs-init.js'
          ? Promise.resolve(DOCS_INIT)
          : readFile(path.join(swaggerUiDir(), name)).then((buffer) => new Uint8Array(buffer));
      files.set(name, file);
      file.catch(() => files.delete(name));
    }
    return file;
  };

  return newRouter()
    .openapi(openapiJson, (c) => {
      c.header('Cache-Control', 'public, max-age=300');
      return c.json(openApiDocument() as z.infer<typeof OpenApiDocumentSchema>, 200);
    })
    .openapi(docsPage, (c) => {
      c.header('Content-Security-Policy', CONTENT_SECURITY_POLICY);
      return c.html(DOCS_PAGE, 200);
    })
    .openapi(docsAsset, async (c) => {
      const { asset } = c.req.valid('param');
      return c.body(await load(asset), 200, {
        'Content-Type': ASSETS[asset],
        'Cache-Control': 'public, max-age=86400',
      });
    });
}
