import { sign } from 'hono/jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiHarness, PASSWORD, type ApiHarness, errorOf } from '../../helpers/api-app.js';
import { makers } from '../../helpers/api-makers.js';

let h: ApiHarness;
beforeAll(async () => {
  h = await apiHarness({ auth: { loginFailuresPerUser: 3, loginAttemptsPerAddress: 12 } });
});
afterAll(async () => {
  await h.stop();
});

type Tok = { access_token: string; refresh_token: string; token_type: string; expires_in: number };
const err = errorOf;

describe('users: registration and login', () => {
  it('registers a dancer without ever showing the password or its hash', async () => {
    const res = await h.call('/api/v1/users/register', {
      body: { username: 'maria', email: 'maria@example.org', password: 'bachata-sensual-1' },
    });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({
      status: 'received',
      message: 'if that username and email were free, the account exists now: log in with them',
    });
    const token = ((await h.login('maria', 'bachata-sensual-1', '10.2.0.9')).body as { access_token: string })
      .access_token;
    const me = await h.call('/api/v1/users/me', { token });
    expect(me.body).toMatchObject({ username: 'maria', role: 'dancer', is_active: true, consent_biometrics: false });
    expect((me.body as { pseudonym: string }).pseudonym).toMatch(/^p_/);
    expect(me.text).not.toMatch(/password|argon2/);
  });

  it('answers a taken username or email exactly as a new one (no name is confirmed), and names bad fields', async () => {
    const fresh = await h.call('/api/v1/users/register', {
      body: { username: 'lucia', email: 'lucia@example.org', password: 'long enough 1' },
    });
    const dupName = await h.call('/api/v1/users/register', {
      body: { username: 'MARIA', email: 'other@example.org', password: 'long enough 1' },
    });
    const dupEmail = await h.call('/api/v1/users/register', {
      body: { username: 'maria2', email: 'maria@example.org', password: 'long enough 1' },
    });
    for (const r of [dupName, dupEmail]) {
      expect(r.status).toBe(fresh.status);
      expect(r.text).toBe(fresh.text);
    }
    expect((await h.login('maria', 'long enough 1', '10.2.0.8')).status).toBe(401); // the taken name kept its own password
    const bad = await h.call('/api/v1/users/register', {
      body: { username: 'ana', email: 'not-an-email', password: 'short' },
    });
    expect(bad.status).toBe(422);
    expect(err(bad.body).message).toMatch(/body\.email: .*body\.password: must be at least 8 characters/);
    const role = await h.call('/api/v1/users/register', {
      body: { username: 'eve', email: 'eve@example.org', password: 'long enough 1', role: 'admin' },
    });
    expect(role.status).toBe(422); // self-registration cannot pick a role
    expect(err(role.body).message).toMatch(/body: Unrecognized key: "role"/);
  });

  it('logs in with username or email and returns bearer tokens that expire', async () => {
    const res = await h.login('maria', 'bachata-sensual-1', '10.2.0.1');
    expect(res.status).toBe(200);
    const tok = res.body as Tok;
    expect(tok).toMatchObject({ token_type: 'bearer', expires_in: 900 });
    expect(tok.refresh_token.length).toBeGreaterThan(30);
    const me = await h.call('/api/v1/users/me', { token: tok.access_token });
    expect(me.body).toMatchObject({ username: 'maria' });
    expect((await h.login('maria@example.org', 'bachata-sensual-1', '10.2.0.1')).status).toBe(200);
  });

  it('refuses expired, forged and malformed tokens with 401', async () => {
    const secret = (
      h.sql.first(h.sql.db.selectFrom('box_meta').select('value').where('key', '=', 'jwt_secret')) as { value: string }
    ).value;
    const past = Math.floor(Date.now() / 1000) - 3600;
    const expired = await sign(
      { sub: String(h.ids.admin), role: 'admin', iat: past - 900, exp: past },
      secret,
      'HS256',
    );
    const forged = await sign({ sub: String(h.ids.admin), role: 'admin', exp: past + 7200 }, 'x'.repeat(43), 'HS256');
    for (const token of [expired, forged, 'not.a.jwt', `${h.tokens.admin.slice(0, -2)}AA`]) {
      const res = await h.call('/api/v1/users/me', { token });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
    }
  });

  it('throttles failed logins per account whichever name is typed, with a wait, never locking the owner out of their own address', async () => {
    // Two failures as the username and one as the email: one account, one budget of 3.
    for (const name of ['technician', 'technician', 'technician@example.org'])
      expect((await h.login(name, 'wrong password', '10.3.0.1')).status).toBe(401);
    const waiting = await h.login('technician@example.org', PASSWORD, '10.3.0.1');
    expect(waiting.status).toBe(429);
    expect(err(waiting.body)).toMatchObject({
      code: 'too_many_attempts',
      message: 'too many failed logins for this account from this address; try again in 1 s',
    });
    expect(waiting.headers.get('retry-after')).toBe('1');
    // The guesser's failures do not hold up the owner elsewhere.
    expect((await h.login('technician', PASSWORD, '10.3.1.1')).status).toBe(200);
    expect((await h.login('admin', PASSWORD, '10.3.1.2')).status).toBe(200); // other accounts unaffected
    // The wait ends: the next try is answered again (a failure doubles the wait).
    await new Promise((r) => setTimeout(r, 1100));
    expect((await h.login('technician', 'wrong again', '10.3.0.1')).status).toBe(401);
    const longer = await h.login('technician', PASSWORD, '10.3.0.1');
    expect(longer.headers.get('retry-after')).toBe('2');
  });

  it('rate-limits login attempts per address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 13; i++) statuses.push((await h.login(`nobody${i}`, 'whatever', '10.4.0.1')).status);
    expect(statuses.slice(0, 12).every((s) => s === 401)).toBe(true);
    expect(statuses[12]).toBe(429);
    expect((await h.login('dancer', PASSWORD, '10.4.0.2')).status).toBe(200);
  });

  it('rotates refresh tokens and ends the login when a spent one is replayed', async () => {
    const first = (await h.login('dancer', PASSWORD, '10.5.0.1')).body as Tok;
    const second = await h.call('/api/v1/users/token/refresh', { body: { refresh_token: first.refresh_token } });
    expect(second.status).toBe(200);
    const replay = await h.call('/api/v1/users/token/refresh', { body: { refresh_token: first.refresh_token } });
    expect(replay.status).toBe(401);
    expect(err(replay.body).code).toBe('invalid_token');
    // the replay revoked the whole family, including the token issued by the honest refresh
    const stolen = await h.call('/api/v1/users/token/refresh', {
      body: { refresh_token: (second.body as Tok).refresh_token },
    });
    expect(stolen.status).toBe(401);
  });
});

describe('users: administration', () => {
  it('lets an admin create users of any role and page through the list without repeats', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await h.call('/api/v1/users', {
        token: h.tokens.admin,
        body: { username: `tech${i}`, email: `tech${i}@example.org`, password: 'long enough pw', role: 'technician' },
      });
      expect(res.status).toBe(201);
    }
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: unknown } = await h.call('/api/v1/users', {
        token: h.tokens.admin,
        query: { limit: 3, ...(cursor ? { cursor } : {}) },
      });
      const page = res.body as { items: { id: number }[]; next_cursor: string | null };
      seen.push(...page.items.map((u) => u.id));
      cursor = page.next_cursor;
    } while (cursor);
    const total = (
      h.sql.first(h.sql.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n'))) as { n: number }
    ).n;
    expect(seen.length).toBe(total);
    expect(new Set(seen).size).toBe(total);
  });

  it('filters users by event registration', async () => {
    const m = makers(h.sql);
    const event = m.event();
    m.registration(h.ids.other, event);
    const res = await h.call('/api/v1/users', { token: h.tokens.admin, query: { event_id: event } });
    expect((res.body as { items: { id: number }[] }).items.map((u) => u.id)).toEqual([h.ids.other]);
  });

  it('keeps role and activation for admins, consent for the dancer, and a password change behind the current one', async () => {
    const dancer = `/api/v1/users/${h.ids.dancer}`;
    expect((await h.call(dancer, { method: 'PUT', token: h.tokens.dancer, body: { role: 'admin' } })).status).toBe(403);
    expect(
      (await h.call(dancer, { method: 'PUT', token: h.tokens.admin, body: { consent_biometrics: false } })).status,
    ).toBe(403);
    const consent = await h.call(dancer, {
      method: 'PUT',
      token: h.tokens.dancer,
      body: { consent_biometrics: false },
    });
    expect(consent.body).toMatchObject({ consent_biometrics: false });
    expect((consent.body as { consent_updated_at: string | null }).consent_updated_at).not.toBeNull();
    const noCurrent = await h.call(dancer, {
      method: 'PUT',
      token: h.tokens.dancer,
      body: { password: 'a new passphrase' },
    });
    expect(noCurrent.status).toBe(422);
    expect(err(noCurrent.body).field).toBe('body.current_password');
    const changed = await h.call(dancer, {
      method: 'PUT',
      token: h.tokens.dancer,
      body: { password: 'a new passphrase', current_password: PASSWORD, consent_biometrics: true },
    });
    expect(changed.status).toBe(200);
    expect((await h.login('dancer', PASSWORD, '10.6.0.1')).status).toBe(401);
    expect((await h.login('dancer', 'a new passphrase', '10.6.0.1')).status).toBe(200);
  });

  it('never removes the last admin', async () => {
    const self = `/api/v1/users/${h.ids.admin}`;
    const demote = await h.call(self, { method: 'PUT', token: h.tokens.admin, body: { role: 'dancer' } });
    expect(demote.status).toBe(409);
    expect(err(demote.body).code).toBe('last_admin');
    expect((await h.call(self, { method: 'DELETE', token: h.tokens.admin })).status).toBe(409);
  });

  it('deletes a user, whose token then stops working', async () => {
    const created = await h.call('/api/v1/users', {
      token: h.tokens.admin,
      body: { username: 'leaving', email: 'leaving@example.org', password: 'long enough pw' },
    });
    const id = (created.body as { id: number }).id;
    const token = ((await h.login('leaving', 'long enough pw', '10.7.0.1')).body as Tok).access_token;
    expect((await h.call('/api/v1/users/me', { token })).status).toBe(200);
    expect((await h.call(`/api/v1/users/${id}`, { method: 'DELETE', token: h.tokens.admin })).status).toBe(204);
    expect((await h.call('/api/v1/users/me', { token })).status).toBe(401);
    expect((await h.call(`/api/v1/users/${id}`, { token: h.tokens.admin })).status).toBe(404);
  });

  it('never writes a password or a password hash to the log', () => {
    const text = h.logs.join('\n');
    expect(h.logs.length).toBeGreaterThan(10);
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain('bachata-sensual-1');
    expect(text).not.toContain('$argon2');
  });
});
