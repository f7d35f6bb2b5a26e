import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiHarness, type ApiHarness } from '../../helpers/api-app.js';

let h: ApiHarness;
beforeAll(async () => {
  h = await apiHarness();
});
afterAll(async () => {
  await h.stop();
});

interface Doc {
  openapi: string;
  paths: Record<
    string,
    Record<
      string,
      { security?: unknown[]; requestBody?: unknown; responses: Record<string, unknown>; description?: string }
    >
  >;
  components: { securitySchemes: Record<string, unknown>; schemas: Record<string, unknown> };
}

describe('OpenAPI and /docs', () => {
  it('documents every route of the table, from the same zod schemas, with its access rule', async () => {
    const res = await h.call('/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.body as Doc;
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const rule of h.rules) {
      const op = doc.paths[rule.path]?.[rule.method.toLowerCase()];
      expect(op, `${rule.method} ${rule.path}`).toBeDefined();
      expect(op?.security).toEqual(rule.access === 'public' ? [] : [{ bearer: [] }]);
      expect(op?.description).toMatch(/\*\*Access\*\*/);
    }
    // a schema that validates is the one documented: the password rule appears in both
    expect(JSON.stringify(doc.components.schemas.UserRegister)).toContain('"minLength":8');
    expect(doc.components.schemas.User).toBeDefined();
    expect(JSON.stringify(doc.components.schemas.User)).not.toContain('password');
  });

  it('answers /api/v1 (which / links to) with every resource of the route table and where the API is described', async () => {
    const res = await h.call('/api/v1');
    expect(res.status).toBe(200);
    const index = res.body as { openapi: string; docs: string; resources: string[] };
    expect(index).toMatchObject({ openapi: '/openapi.json', docs: '/docs' });
    for (const rule of h.rules)
      expect(
        index.resources.some((r) => rule.path.startsWith(r)),
        rule.path,
      ).toBe(true);
    expect(index.resources).toContain('/api/v1/users');
    expect(index.resources).toContain('/api/v1/events');
  });

  it('serves an interactive page whose every asset comes from the box itself', async () => {
    const page = await h.call('/docs');
    expect(page.status).toBe(200);
    expect(page.text).not.toMatch(/(src|href)=["']?(https?:)?\/\//);
    const assets = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(assets.length).toBeGreaterThanOrEqual(4);
    for (const asset of assets) {
      const res = await h.app.request(asset);
      expect(res.status, asset).toBe(200);
    }
    // The console's bundle is served; no source map is.
    expect((await h.call('/console/assets/console.js')).status).toBe(200);
    expect((await h.call('/console/assets/console.js.map')).status).toBe(404);
    const init = await h.call('/docs/init.js');
    expect(init.text).toContain("url: '/openapi.json'");
    expect(init.text).toContain('validatorUrl: null'); // no call to the online validator
    expect((await h.call('/docs/..%2F..%2Fpackage.json')).status).toBe(404);
  });
});
