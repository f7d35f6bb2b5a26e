/**
 * Serves a bundled page (the box's console, the cloud's dashboard) from the program itself:
 * the HTML shell and its script and stylesheet from dist/web, built by `npm run build`
 * (esbuild). Nothing is fetched from elsewhere; the Content-Security-Policy says so to the
 * browser too, so a stray external reference fails loudly in testing instead of at a venue.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';

export interface PageSpec {
  /** Where the page lives, e.g. `/console`. */
  path: string;
  title: string;
  /** The bundle's name in dist/web (`console` → console.js, console.css). */
  bundle: string;
  /** Shown to someone with scripts off. */
  noscript: string;
}

const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
const TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  map: 'application/json; charset=utf-8',
};

/** dist/web of this package, found from this file whether it runs from dist/ or from source (tests). */
export function webAssetsDir(from: string = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'dist', 'web');
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${from}`);
    dir = up;
  }
}

const escape = (s: string): string => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

function shell(spec: PageSpec): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${escape(spec.title)}</title>
<link rel="stylesheet" href="${spec.path}/assets/${spec.bundle}.css">
<script type="module" src="${spec.path}/assets/${spec.bundle}.js"></script>
</head>
<body>
<div id="app"><noscript>${escape(spec.noscript)}</noscript></div>
</body>
</html>
`;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- mounted on the box's and the cloud's apps, whose env types differ
export function mountPage(app: Hono<any>, spec: PageSpec, assetsDir: string = webAssetsDir()): void {
  const html = shell(spec);
  const files = new Map<string, { body: Buffer; type: string }>();
  const load = (name: string): { body: Buffer; type: string } | undefined => {
    const cached = files.get(name);
    if (cached) return cached;
    const file = join(assetsDir, name);
    if (!existsSync(file)) return undefined;
    const entry = { body: readFileSync(file), type: TYPES[name.split('.').pop() ?? ''] ?? 'application/octet-stream' };
    files.set(name, entry);
    return entry;
  };
  const page = (): Response => {
    if (!load(`${spec.bundle}.js`)) {
      const missing = `<!doctype html><html lang="en"><title>${escape(spec.title)}</title><main><h1>${escape(spec.title)}</h1><p>The page is not built: run <code>npm run build</code>.</p></main></html>`;
      return new Response(missing, {
        status: 503,
        headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
      });
    }
    return new Response(html, {
      status: 200,
      headers: {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': CSP,
        'cache-control': 'no-cache',
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
      },
    });
  };
  app.get(spec.path, () => page());
  app.get(`${spec.path}/`, () => page());
  app.get(`${spec.path}/assets/:file`, (c) => {
    const name = c.req.param('file');
    // Only this page's own bundle files: no path from the request reaches the file system.
    // No source maps are built or served: the pages are not debugged on a box in service.
    if (!/^[a-z-]+\.(js|css)$/.test(name) || !name.startsWith(`${spec.bundle}.`))
      return c.json({ error: { code: 'not_found', message: `no asset ${name}` } }, 404);
    const f = load(name);
    if (!f) return c.json({ error: { code: 'not_found', message: `no asset ${name}; run npm run build` } }, 404);
    return c.body(new Uint8Array(f.body), 200, {
      'content-type': f.type,
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
    });
  });
}
