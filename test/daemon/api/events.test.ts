import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiHarness, type ApiHarness, errorOf } from '../../helpers/api-app.js';
import { makers } from '../../helpers/api-makers.js';

let h: ApiHarness;
beforeAll(async () => {
  h = await apiHarness();
});
afterAll(async () => {
  await h.stop();
});

const err = errorOf;
const iso = (offsetH: number): string => new Date(Date.now() + offsetH * 3600_000).toISOString();

async function newEvent(over: Record<string, unknown> = {}): Promise<number> {
  const res = await h.call('/api/v1/events', {
    token: h.tokens.technician,
    body: { name: 'Bachata night', starts_at: iso(-1), ends_at: iso(5), ...over },
  });
  expect(res.status).toBe(201);
  return (res.body as { id: number }).id;
}

describe('events', () => {
  it('creates, reads, updates and deletes an event; refuses an end before the start', async () => {
    const id = await newEvent({ location: 'Main hall', config: { floor: 'A' } });
    expect((await h.call(`/api/v1/events/${id}`, { token: h.tokens.dancer })).body).toMatchObject({
      location: 'Main hall',
      config: { floor: 'A' },
      is_active: true,
    });
    const upd = await h.call(`/api/v1/events/${id}`, {
      method: 'PUT',
      token: h.tokens.admin,
      body: { name: 'Sensual night' },
    });
    expect(upd.body).toMatchObject({ name: 'Sensual night', location: 'Main hall' });
    const bad = await h.call(`/api/v1/events/${id}`, {
      method: 'PUT',
      token: h.tokens.admin,
      body: { ends_at: iso(-10) },
    });
    expect(bad.status).toBe(422);
    expect(err(bad.body).field).toBe('body.ends_at');
    expect((await h.call(`/api/v1/events/${id}`, { method: 'DELETE', token: h.tokens.admin })).status).toBe(204);
    expect((await h.call(`/api/v1/events/${id}`, { token: h.tokens.admin })).status).toBe(404);
  });

  it('lists upcoming events only (active, not yet over), soonest first', async () => {
    const past = await newEvent({ starts_at: iso(-10), ends_at: iso(-8) });
    const later = await newEvent({ starts_at: iso(48), ends_at: iso(52) });
    const soon = await newEvent({ starts_at: iso(2), ends_at: iso(6) });
    const off = await newEvent({ starts_at: iso(3), ends_at: iso(6), is_active: false });
    const ids = (
      (await h.call('/api/v1/events/upcoming', { token: h.tokens.dancer, query: { limit: 500 } })).body as {
        items: { id: number }[];
      }
    ).items.map((e) => e.id);
    expect(ids).not.toContain(past);
    expect(ids).not.toContain(off);
    expect(ids.indexOf(soon)).toBeLessThan(ids.indexOf(later));
  });

  it('enforces capacity, refuses double registration, and lets only an admin register someone else', async () => {
    const id = await newEvent({ capacity: 2 });
    expect((await h.call('/api/v1/events/register', { token: h.tokens.dancer, body: { event_id: id } })).status).toBe(
      201,
    );
    const again = await h.call('/api/v1/events/register', { token: h.tokens.dancer, body: { event_id: id } });
    expect(err(again.body)).toMatchObject({ code: 'already_registered' });
    expect(
      (
        await h.call('/api/v1/events/register', {
          token: h.tokens.technician,
          body: { event_id: id, user_id: h.ids.other },
        })
      ).status,
    ).toBe(403);
    expect(
      (await h.call('/api/v1/events/register', { token: h.tokens.admin, body: { event_id: id, user_id: h.ids.other } }))
        .status,
    ).toBe(201);
    const full = await h.call('/api/v1/events/register', { token: h.tokens.technician, body: { event_id: id } });
    expect(full.status).toBe(409);
    expect(err(full.body)).toMatchObject({ code: 'event_full', field: 'body.event_id' });
    const shrink = await h.call(`/api/v1/events/${id}`, {
      method: 'PUT',
      token: h.tokens.admin,
      body: { capacity: 1 },
    });
    expect(err(shrink.body).code).toBe('capacity_below_registrations');
    const over = await newEvent({ starts_at: iso(-5), ends_at: iso(-4) });
    expect(
      err((await h.call('/api/v1/events/register', { token: h.tokens.dancer, body: { event_id: over } })).body).code,
    ).toBe('event_over');
    expect(
      (await h.call('/api/v1/events/register', { token: h.tokens.dancer, body: { event_id: 999_999 } })).status,
    ).toBe(404);
  });

  it('frees a place when a registration is cancelled', async () => {
    const id = await newEvent({ capacity: 1 });
    const reg = (await h.call('/api/v1/events/register', { token: h.tokens.dancer, body: { event_id: id } })).body as {
      id: number;
    };
    expect(
      (await h.call(`/api/v1/events/registrations/${reg.id}`, { method: 'DELETE', token: h.tokens.dancer })).status,
    ).toBe(204);
    expect((await h.call('/api/v1/events/register', { token: h.tokens.other, body: { event_id: id } })).status).toBe(
      201,
    );
  });

  it('checks dancers in and out, refusing the unregistered and the doubled', async () => {
    const id = await newEvent();
    expect(
      err((await h.call('/api/v1/events/checkin', { token: h.tokens.dancer, body: { event_id: id } })).body).code,
    ).toBe('not_registered');
    await h.call('/api/v1/events/register', { token: h.tokens.dancer, body: { event_id: id } });
    expect(
      err((await h.call('/api/v1/events/checkout', { token: h.tokens.dancer, body: { event_id: id } })).body).code,
    ).toBe('not_checked_in');
    const inside = await h.call('/api/v1/events/checkin', {
      token: h.tokens.technician,
      body: { event_id: id, user_id: h.ids.dancer },
    });
    expect((inside.body as { checked_in_at: string | null }).checked_in_at).not.toBeNull();
    expect(
      err((await h.call('/api/v1/events/checkin', { token: h.tokens.dancer, body: { event_id: id } })).body).code,
    ).toBe('already_checked_in');
    const out = await h.call('/api/v1/events/checkout', { token: h.tokens.dancer, body: { event_id: id } });
    expect((out.body as { checked_out_at: string | null }).checked_out_at).not.toBeNull();
    expect((await h.call('/api/v1/events/checkin', { token: h.tokens.dancer, body: { event_id: id } })).status).toBe(
      200,
    ); // back in after a break
  });

  it('pages any list by cursor or offset, in either order, filtered by event and time, without gaps or repeats', async () => {
    const m = makers(h.sql);
    const event = m.event();
    const otherEvent = m.event();
    const base = Date.parse('2026-06-01T20:00:00Z');
    const ids: number[] = [];
    for (let i = 0; i < 23; i++) {
      // pairs share a timestamp, so the (time, id) keyset is exercised
      const { id } = h.sql.run(
        h.sql.db
          .insertInto('sound_events')
          .values({ event_id: event, occurred_at: base + Math.floor(i / 2) * 1000, sound_type: 'pad' }),
      );
      ids.push(id);
    }
    h.sql.run(
      h.sql.db.insertInto('sound_events').values({ event_id: otherEvent, occurred_at: base, sound_type: 'pad' }),
    );
    const walk = async (query: Record<string, string | number>): Promise<number[]> => {
      const got: number[] = [];
      let cursor: string | null = null;
      do {
        const res: { body: unknown; status: number } = await h.call('/api/v1/sound/events', {
          token: h.tokens.dancer,
          query: { ...query, event_id: event, limit: 5, ...(cursor ? { cursor } : {}) },
        });
        expect(res.status).toBe(200);
        const page = res.body as { items: { id: number }[]; next_cursor: string | null };
        got.push(...page.items.map((x) => x.id));
        cursor = page.next_cursor;
      } while (cursor);
      return got;
    };
    expect(await walk({})).toEqual(ids);
    expect(await walk({ order: 'desc' })).toEqual([...ids].reverse());
    const from = new Date(base + 3000).toISOString();
    const to = new Date(base + 6000).toISOString();
    expect(await walk({ from, to })).toEqual(ids.slice(6, 12));
    const byOffset = await h.call('/api/v1/sound/events', {
      token: h.tokens.dancer,
      query: { event_id: event, offset: 20, limit: 5 },
    });
    expect((byOffset.body as { items: { id: number }[] }).items.map((x) => x.id)).toEqual(ids.slice(20));
    const both = await h.call('/api/v1/sound/events', { token: h.tokens.dancer, query: { cursor: 'x', offset: 1 } });
    expect(err(both.body).field).toBe('query.offset');
    const junk = await h.call('/api/v1/sound/events', { token: h.tokens.dancer, query: { cursor: 'bm9wZQ' } });
    expect(junk.status).toBe(422);
    expect(err(junk.body).field).toBe('query.cursor');
    const reversed = await h.call('/api/v1/sound/events', { token: h.tokens.dancer, query: { from: to, to: from } });
    expect(err(reversed.body).field).toBe('query.from');
  });
});
