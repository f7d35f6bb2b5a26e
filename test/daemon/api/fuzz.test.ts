/**
 * Property-based: random and mutated bodies, path params, query strings and headers at
 * every route, as every kind of caller. Whatever arrives, the answer is never a 5xx, every
 * refusal is the one error envelope, and nothing is logged as an unhandled error.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiHarness, PASSWORD, type ApiHarness } from '../../helpers/api-app.js';
import { makers, requestFor } from '../../helpers/api-fixtures.js';

let h: ApiHarness;
beforeAll(async () => {
  h = await apiHarness();
});
afterAll(async () => {
  await h.stop();
});

const nasty = fc.oneof(
  fc.string(),
  fc.constantFrom(
    '0',
    '-1',
    '1e309',
    'NaN',
    '9007199254740993',
    '1.5',
    '%00',
    '../../etc/passwd',
    "1' OR '1'='1",
    '{}',
    '[]',
    'null',
    'true',
    ' 1',
    '0x10',
    '😀',
  ),
  fc.integer().map(String),
);
const jsonish = fc.jsonValue({ maxDepth: 3 });

/** Takes a valid body and breaks it: drop, retype or add fields. */
function mutate(valid: unknown): fc.Arbitrary<unknown> {
  if (typeof valid !== 'object' || valid === null || Array.isArray(valid)) return jsonish;
  const keys = Object.keys(valid);
  return fc.oneof(
    fc
      .record({ drop: fc.subarray(keys) })
      .map(({ drop }) => Object.fromEntries(Object.entries(valid).filter(([k]) => !drop.includes(k)))),
    fc
      .record({ key: keys.length ? fc.constantFrom(...keys) : fc.string(), value: jsonish })
      .map(({ key, value }) => ({ ...valid, [key]: value })),
    fc
      .record({ key: fc.string({ maxLength: 20 }), value: jsonish })
      .map(({ key, value }) => ({ ...valid, [key]: value })),
    fc.constant({ ...valid, __proto__: { role: 'admin' } }),
  );
}

describe('every route survives hostile input', () => {
  it('answers random and mutated requests without a 5xx, always with the error envelope', async () => {
    const m = makers(h.sql, h.room.mapping);
    const tokens = [undefined, h.tokens.dancer, h.tokens.technician, h.tokens.admin, 'garbage', `${h.tokens.admin}x`];
    let requests = 0;
    for (const rule of h.rules) {
      const valid = requestFor(m, rule.method, rule.path, h.ids.dancer, { password: PASSWORD, ownerName: 'dancer' });
      const validBody = valid?.body;
      const body = fc.oneof(
        { weight: 3, arbitrary: mutate(validBody).map((b) => ({ kind: 'json' as const, b })) },
        { weight: 2, arbitrary: jsonish.map((b) => ({ kind: 'json' as const, b })) },
        { weight: 1, arbitrary: fc.string({ maxLength: 200 }).map((b) => ({ kind: 'raw' as const, b })) },
        { weight: 1, arbitrary: fc.constant({ kind: 'none' as const, b: undefined }) },
      );
      const known = fc.constantFrom('limit', 'cursor', 'offset', 'event_id', 'from', 'to', 'order');
      const query = fc.oneof(
        // one hostile value in an otherwise plain query, so it reaches the handler
        fc.record({ key: known, value: nasty }).map(({ key, value }) => ({ [key]: value })),
        fc.dictionary(fc.oneof(known, fc.string({ maxLength: 10 })), nasty, { maxKeys: 4 }),
      );
      const contentType = fc.constantFrom(
        'application/json',
        'text/plain',
        'multipart/form-data; boundary=x',
        'application/x-www-form-urlencoded',
        'application/json; charset=utf-16',
        '',
      );
      const extraHeaders = fc.dictionary(
        fc.constantFrom(
          'authorization',
          'accept',
          'content-length',
          'x-forwarded-for',
          'cookie',
          'origin',
          'accept-encoding',
          'x-anything',
        ),
        fc.oneof(
          fc.string({ maxLength: 100 }).map((v) => v.replace(/[^\x20-\x7e]/g, '')),
          fc.constantFrom('Bearer', 'Bearer ', 'Basic YWRtaW46YWRtaW4=', 'Bearer a.b.c', '-1', '99999999999'),
        ),
        { maxKeys: 3 },
      );
      await fc.assert(
        fc.asyncProperty(
          extraHeaders,
          nasty,
          body,
          query,
          contentType,
          fc.oneof(
            { weight: 3, arbitrary: fc.constant(h.tokens.admin) },
            { weight: 2, arbitrary: fc.constantFrom(...tokens) },
          ),
          async (extra, param, b, q, ct, token) => {
            const path = rule.path.replace('{id}', encodeURIComponent(param));
            const headers: Record<string, string> = { ...extra, ...(ct ? { 'content-type': ct } : {}) };
            // a random authorization header replaces the token some of the time
            if (extra.authorization !== undefined) token = undefined;
            const raw =
              rule.method === 'GET'
                ? undefined
                : b.kind === 'json'
                  ? JSON.stringify(b.b)
                  : b.kind === 'raw'
                    ? b.b
                    : undefined;
            const res = await h.call(path, {
              method: rule.method,
              token,
              headers,
              ...(raw === undefined ? {} : { raw }),
              query: q,
            });
            requests++;
            if (res.status >= 500) throw new Error(`${rule.method} ${path} → ${res.status} ${res.text}`);
            if (res.status >= 400) {
              const err = (res.body as { error?: { code?: unknown; message?: unknown } }).error;
              if (typeof err?.code !== 'string' || typeof err.message !== 'string')
                throw new Error(`${rule.method} ${path} → ${res.status} without the envelope: ${res.text}`);
            }
          },
        ),
        { numRuns: 60, seed: 20261122 },
      );
    }
    expect(requests).toBeGreaterThan(h.rules.length * 20);
    expect(h.logs.filter((l) => l.startsWith('error'))).toEqual([]);
  }, 180_000);
});

describe('JSON nested too deep', () => {
  it('is a 422 naming the limit at every JSON route, before any route parses it, never a 500', async () => {
    const deep = `{"name":"x","config":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    for (const path of ['/api/v1/events', '/api/v1/users/register', '/api/v1/users/token', '/api/v1/mapping/rules']) {
      const res = await h.call(path, {
        method: path.endsWith('rules') ? 'PUT' : 'POST',
        token: h.tokens.admin,
        raw: deep,
        headers: { 'content-type': 'application/json' },
      });
      expect(res.status, path).toBe(422);
      expect(res.body, path).toEqual({
        error: {
          code: 'too_deep',
          message: 'the JSON body nests deeper than 64 levels, the limit for request bodies',
          field: 'body',
        },
      });
    }
    // 64 levels are still read (and answered on their merits), and brackets inside strings do not count.
    const ok = await h.call('/api/v1/users/token', {
      raw: `{"username":"${'['.repeat(500)}","password":${'['.repeat(60)}${']'.repeat(60)}}`,
      headers: { 'content-type': 'application/json' },
    });
    expect(ok.status).toBe(422);
    expect((ok.body as { error: { code: string } }).error.code).toBe('validation_failed');
    expect(h.logs.filter((l) => l.startsWith('error'))).toEqual([]);
  });
});
