/**
 * The storefront and operator console: one page at `/`, its script bundled from storefront/src by esbuild
 * when first asked for (TypeScript in, one ES module out; nothing loaded from elsewhere), and its styles.
 * The page's settings (demo sign-in on or off, the Temporal Web UI to link to) travel in a meta tag.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Hono } from 'hono';

const STOREFRONT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'storefront');

export interface StorefrontSettings {
  /** Whether the sign-in page may ask POST /demo/token. */
  demoLogin: boolean;
  temporalUiUrl: string;
  temporalNamespace: string;
}

const CONTENT_SECURITY_POLICY =
  "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'";

const escapeAttribute = (value: string) =>
  value.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');

function page(settings: StorefrontSettings): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="storefront-settings" content="${escapeAttribute(JSON.stringify(settings))}">
  <title>Order platform store</title>
  <link rel="stylesheet" href="/storefront/app.css">
  <script type="module" src="/storefront/app.js"></script>
</head>
<body>
  <div id="app"></div>
</body>
</html>
`;
}

async function bundle(): Promise<string> {
  const result = await build({
    entryPoints: [path.join(STOREFRONT_DIR, 'src', 'main.ts')],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    write: false,
    sourcemap: 'inline',
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

export function storefrontRoutes(settings: StorefrontSettings) {
  let script: Promise<string> | undefined;
  const loadScript = () => {
    script ??= bundle();
    script.catch(() => (script = undefined));
    return script;
  };
  return new Hono()
    .get('/', (c) => {
      c.header('Content-Security-Policy', CONTENT_SECURITY_POLICY);
      c.header('Cache-Control', 'no-cache');
      return c.html(page(settings));
    })
    .get('/storefront/app.js', async (c) =>
      c.body(await loadScript(), 200, {
        'Content-Type': 'text/javascript; charset=utf-8',
        'Cache-Control': 'no-cache',
      }),
    )
    .get('/storefront/app.css', async (c) =>
      c.body(await readFile(path.join(STOREFRONT_DIR, 'app.css'), 'utf8'), 200, {
        'Content-Type': 'text/css; charset=utf-8',
        'Cache-Control': 'no-cache',
      }),
    );
}
