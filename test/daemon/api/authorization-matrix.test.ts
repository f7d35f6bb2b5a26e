/**
 * Walks the route table and proves each route's declared rule for anonymous, dancer,
 * technician and admin callers: 401 without a token, 403 for a role the rule leaves out,
 * success for a role it allows, and 403 for someone else's record where the rule limits a
 * role to its own. A route registered without a rule (or without a request here) fails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roles, type Role } from '../../../daemon/api/access.js';
import { apiHarness, PASSWORD, type ApiHarness, type Reply } from '../../helpers/api-app.js';
import { makers, requestFor, type Built } from '../../helpers/api-fixtures.js';
import { createUser } from '../../../daemon/api/auth/users.js';

let h: ApiHarness;
beforeAll(async () => {
  h = await apiHarness();
});
afterAll(async () => {
  await h.stop();
});

let leavers = 0;
const honoPath = (p: string): string => p.replace(/\{(\w+)\}/g, ':$1');

async function send(req: Built, token: string | undefined): Promise<Reply> {
  if (req.path === '/api/v1/users/token/refresh') {
    // a real refresh token of the caller (or of the dancer, for anonymous)
    const login = await h.login('dancer', PASSWORD, '10.9.9.9');
    req = { ...req, body: { refresh_token: (login.body as { refresh_token: string }).refresh_token } };
  }
  const own = /^\/api\/v1\/users\/(\d+)\/erasure$/.exec(req.path);
  if (own && token === h.tokens.dancer && Number(own[1]) === h.ids.dancer) {
    // A dancer erasing themself ends their account: a dancer of the same standing does it, so the matrix's dancer lives on.
    const name = `leaving${++leavers}`;
    const id = await createUser(h.sql, {
      username: name,
      email: `${name}@example.org`,
      password: PASSWORD,
      role: 'dancer',
    });
    const login = await h.login(name, PASSWORD, `10.8.0.${leavers}`);
    return h.call(`/api/v1/users/${id}/erasure`, {
      method: 'POST',
      token: (login.body as { access_token: string }).access_token,
    });
  }
  const { path, ...init } = req;
  return h.call(path, { ...init, token });
}

describe('authorisation matrix', () => {
  it('every route served under /api/v1 has a declared rule', () => {
    const declared = new Set(h.rules.map((r) => `${r.method} ${honoPath(r.path)}`));
    const served = h.app.routes
      .filter((r) => r.path.startsWith('/api/v1/') && r.method !== 'ALL')
      .map((r) => `${r.method} ${r.path}`);
    const undeclared = [...new Set(served)].filter((r) => !declared.has(r));
    expect(undeclared, 'routes without an access rule').toEqual([]);
    expect(h.rules.length).toBeGreaterThan(80);
  });

  it('every declared rule holds for anonymous, dancer, technician and admin', async () => {
    const m = makers(h.sql, h.room.mapping);
    const failures: string[] = [];
    for (const rule of h.rules) {
      const name = `${rule.method} ${rule.path}`;
      const ctxFor = (who: 'dancer' | Role) => ({ password: PASSWORD, ownerName: who });
      const build = (owner: number, who: Role): Built | undefined =>
        requestFor(m, rule.method, rule.path, owner, ctxFor(who));
      if (!build(h.ids.dancer, 'dancer')) {
        failures.push(`${name}: no request builder in test/helpers/api-fixtures.ts`);
        continue;
      }
      // anonymous
      const anon = await send(build(h.ids.dancer, 'dancer') as Built, undefined);
      if (rule.access === 'public') {
        if (anon.status >= 300) failures.push(`${name} anonymous: expected success, got ${anon.status} ${anon.text}`);
      } else if (anon.status !== 401 || (anon.body as { error?: { code?: string } }).error?.code !== 'unauthorized') {
        failures.push(`${name} anonymous: expected 401, got ${anon.status}`);
      }
      for (const role of roles) {
        const res = await send(build(h.ids[role], role) as Built, h.tokens[role]);
        const allowed = rule.access === 'public' || rule.access.roles.includes(role);
        if (allowed && res.status >= 300)
          failures.push(`${name} as ${role}: expected success, got ${res.status} ${res.text.slice(0, 200)}`);
        if (!allowed && res.status !== 403) failures.push(`${name} as ${role}: expected 403, got ${res.status}`);
        if (allowed && rule.access !== 'public' && rule.access.own?.includes(role)) {
          // someone else's record
          if (rule.path.includes('{id}') || rule.method !== 'GET') {
            const foreign = await send(build(h.ids.other, role) as Built, h.tokens[role]);
            if (foreign.status !== 403)
              failures.push(
                `${name} as ${role} on someone else's record: expected 403, got ${foreign.status} ${foreign.text.slice(0, 200)}`,
              );
          } else {
            const items = (res.body as { items?: { user_id?: number }[] }).items ?? [];
            const strangers = items.filter((i) => i.user_id !== h.ids[role]);
            if (strangers.length > 0) failures.push(`${name} as ${role}: listed ${strangers.length} records of others`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
  });
});
