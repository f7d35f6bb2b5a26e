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
const count = (table: 'movement_data' | 'biometric_data' | 'outbox', where?: [string, number]): number => {
  let q = h.sql.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n'));
  if (where) q = q.where(where[0] as never, '=', where[1] as never);
  return (h.sql.first(q) as { n: number }).n;
};

describe('movement', () => {
  it('simulates a stretch of movement for the registered dancers, each row with its outbox entry', async () => {
    const m = makers(h.sql);
    const event = m.event();
    m.registration(h.ids.dancer, event);
    m.registration(h.ids.other, event);
    const outboxBefore = count('outbox');
    const res = await h.call('/api/v1/movement/simulate', {
      token: h.tokens.technician,
      body: { event_id: event, duration_s: 30, interval_ms: 1000 },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ event_id: event, created: 60, dancers: 2 });
    expect(count('movement_data', ['event_id', event])).toBe(60);
    expect(count('outbox') - outboxBefore).toBe(60);
    const mine = (
      await h.call('/api/v1/movement/data', { token: h.tokens.dancer, query: { event_id: event, limit: 500 } })
    ).body as { items: { user_id: number; intensity: number; source: string }[] };
    expect(mine.items).toHaveLength(30);
    expect(
      mine.items.every((r) => r.user_id === h.ids.dancer && r.source === 'sim' && r.intensity >= 0 && r.intensity <= 1),
    ).toBe(true);
    const anon = await h.call('/api/v1/movement/simulate', {
      token: h.tokens.admin,
      body: { event_id: m.event(), duration_s: 10, dancers: 3 },
    });
    expect(anon.body).toMatchObject({ created: 30, dancers: 3 });
    const huge = await h.call('/api/v1/movement/simulate', {
      token: h.tokens.admin,
      body: { event_id: event, duration_s: 3600, interval_ms: 100, dancers: 100 },
    });
    expect(err(huge.body).field).toBe('body.duration_s');
  });

  it('stores movement records and detected patterns, naming a missing reference', async () => {
    const rec = await h.call('/api/v1/movement/data', {
      token: h.tokens.technician,
      body: { data_type: 'position', coordinates: [1.5, 2.5], velocity: 1.2 },
    });
    expect(rec.status).toBe(201);
    expect(rec.body).toMatchObject({ coordinates: [1.5, 2.5], source: 'api', user_id: null });
    const missing = await h.call('/api/v1/movement/detected-patterns', {
      token: h.tokens.technician,
      body: { pattern_id: 424242, confidence: 0.7 },
    });
    expect(missing.status).toBe(422);
    expect(err(missing.body)).toMatchObject({ code: 'unknown_reference', field: 'body.pattern_id' });
    const pattern = await h.call('/api/v1/movement/patterns', {
      token: h.tokens.admin,
      body: { name: 'right turn', pattern_data: { axis: 'yaw' } },
    });
    const dup = await h.call('/api/v1/movement/patterns', { token: h.tokens.admin, body: { name: 'right turn' } });
    expect(dup.status).toBe(409);
    expect(err(dup.body).field).toBe('name');
    const det = await h.call('/api/v1/movement/detected-patterns', {
      token: h.tokens.technician,
      body: { pattern_id: (pattern.body as { id: number }).id, user_id: h.ids.dancer, confidence: 0.91 },
    });
    expect(det.body).toMatchObject({ confidence: 0.91, user_id: h.ids.dancer });
    // patterns filtered by event: those detected there
    const event = makers(h.sql).event();
    await h.call('/api/v1/movement/detected-patterns', {
      token: h.tokens.technician,
      body: { pattern_id: (pattern.body as { id: number }).id, event_id: event, confidence: 0.5 },
    });
    const atEvent = (await h.call('/api/v1/movement/patterns', { token: h.tokens.dancer, query: { event_id: event } }))
      .body as { items: { name: string }[] };
    expect(atEvent.items.map((p) => p.name)).toEqual(['right turn']);
    expect(
      errorOf((await h.call('/api/v1/sound/presets', { token: h.tokens.dancer, query: { event_id: event } })).body)
        .field,
    ).toBe('query.event_id');
    const tooSure = await h.call('/api/v1/movement/detected-patterns', {
      token: h.tokens.technician,
      body: { pattern_id: 1, confidence: 1.5 },
    });
    expect(err(tooSure.body).field).toBe('body.confidence');
  });
});

describe('biometrics', () => {
  it('records nothing against a dancer who has not consented', async () => {
    await h.call('/api/v1/users/register', {
      body: { username: 'nocons', email: 'nocons@example.org', password: 'long enough pw' },
    });
    const token = ((await h.login('nocons', 'long enough pw', '10.8.0.1')).body as { access_token: string })
      .access_token;
    const id = ((await h.call('/api/v1/users/me', { token })).body as { id: number }).id;
    const refused = await h.call('/api/v1/biometrics/data', {
      token: h.tokens.technician,
      body: { user_id: id, heart_rate: 130 },
    });
    expect(refused.status).toBe(409);
    expect(err(refused.body).code).toBe('consent_required');
    const sim = await h.call('/api/v1/biometrics/simulate', {
      token: h.tokens.admin,
      body: { event_id: makers(h.sql).event(), user_id: id },
    });
    expect(err(sim.body).code).toBe('consent_required');
    await h.call(`/api/v1/users/${id}`, { method: 'PUT', token, body: { consent_biometrics: true } });
    const own = await h.call('/api/v1/biometrics/data', { token, body: { heart_rate: 131, rr_1024: [470, 468] } });
    expect(own.status).toBe(201);
    expect(own.body).toMatchObject({ user_id: id, heart_rate: 131, rr_1024: [470, 468], source: 'api' });
  });

  it('lets dancers manage only their own records', async () => {
    const other = makers(h.sql).biometric(h.ids.other);
    expect((await h.call(`/api/v1/biometrics/data/${other}`, { token: h.tokens.dancer })).status).toBe(403);
    expect(
      (await h.call(`/api/v1/biometrics/data/${other}`, { method: 'DELETE', token: h.tokens.dancer })).status,
    ).toBe(403);
    expect(
      (
        await h.call('/api/v1/biometrics/data', {
          token: h.tokens.dancer,
          body: { user_id: h.ids.other, heart_rate: 100 },
        })
      ).status,
    ).toBe(403);
    const mine = (await h.call('/api/v1/biometrics/data', { token: h.tokens.dancer, body: { heart_rate: 99 } }))
      .body as { id: number };
    const moved = await h.call(`/api/v1/biometrics/data/${mine.id}`, {
      method: 'PUT',
      token: h.tokens.dancer,
      body: { user_id: h.ids.other },
    });
    expect(moved.status).toBe(403);
    expect(
      (await h.call(`/api/v1/biometrics/data/${mine.id}`, { method: 'DELETE', token: h.tokens.dancer })).status,
    ).toBe(204);
  });

  it('simulates plausible biometrics for a consenting dancer', async () => {
    const event = makers(h.sql).event();
    const res = await h.call('/api/v1/biometrics/simulate', {
      token: h.tokens.technician,
      body: { event_id: event, user_id: h.ids.other, duration_s: 120 },
    });
    expect(res.body).toMatchObject({ created: 120 });
    const rows = (
      (await h.call('/api/v1/biometrics/data', { token: h.tokens.other, query: { event_id: event, limit: 500 } }))
        .body as { items: { heart_rate: number; gsr_us: number; skin_temp_c: number; rr_1024: number[] }[] }
    ).items;
    expect(rows).toHaveLength(120);
    expect(
      rows.every(
        (r) => r.heart_rate >= 50 && r.heart_rate <= 200 && r.gsr_us > 0 && r.skin_temp_c > 30 && r.skin_temp_c < 37,
      ),
    ).toBe(true);
    expect(rows.reduce((n, r) => n + r.rr_1024.length, 0)).toBeGreaterThan(100); // ~1-3 beats per second
  });

  it('registers devices, assigns them to one dancer at a time, and keeps devices that have recorded data', async () => {
    const dev = await h.call('/api/v1/biometrics/devices', {
      token: h.tokens.technician,
      body: { device_key: 'C8:1F:66:0A:12:34', kind: 'wearable', transport: 'ble', model: 'Polar H10' },
    });
    expect(dev.status).toBe(201);
    const id = (dev.body as { id: number }).id;
    expect(
      (
        await h.call(`/api/v1/biometrics/devices/${id}/assign`, {
          token: h.tokens.technician,
          body: { user_id: h.ids.dancer },
        })
      ).status,
    ).toBe(201);
    const event = makers(h.sql).event();
    expect(
      (
        await h.call(`/api/v1/biometrics/devices/${id}/assign`, {
          token: h.tokens.technician,
          body: { user_id: h.ids.other, event_id: event },
        })
      ).status,
    ).toBe(201);
    const atEvent = (
      await h.call('/api/v1/biometrics/devices', { token: h.tokens.technician, query: { event_id: event } })
    ).body as { items: { id: number }[] };
    expect(atEvent.items.map((d) => d.id)).toEqual([id]);
    const list = (
      await h.call('/api/v1/biometrics/devices/assignments', { token: h.tokens.admin, query: { limit: 500 } })
    ).body as { items: { device_id: number; user_id: number; released_at: string | null }[] };
    const mine = list.items.filter((a) => a.device_id === id);
    expect(mine.map((a) => [a.user_id, a.released_at === null])).toEqual([
      [h.ids.dancer, false],
      [h.ids.other, true],
    ]);
    expect(
      (await h.call(`/api/v1/biometrics/devices/${id}/release`, { method: 'POST', token: h.tokens.technician })).status,
    ).toBe(200);
    expect(
      err(
        (await h.call(`/api/v1/biometrics/devices/${id}/release`, { method: 'POST', token: h.tokens.technician })).body,
      ).code,
    ).toBe('not_assigned');
    const badKey = await h.call('/api/v1/biometrics/devices', {
      token: h.tokens.technician,
      body: { device_key: 'bad key!', kind: 'wearable', transport: 'ble' },
    });
    expect(err(badKey.body).field).toBe('body.device_key');
    h.sql.run(
      h.sql.db.insertInto('stream_chunks').values({
        device_id: id,
        stream: 'imu',
        started_at: Date.now(),
        first_index: 0,
        rate_hz: 50,
        channels: 3,
        sample_count: 1,
        data: Buffer.alloc(12),
      }),
    );
    const del = await h.call(`/api/v1/biometrics/devices/${id}`, { method: 'DELETE', token: h.tokens.admin });
    expect(del.status).toBe(409);
    expect(err(del.body).code).toBe('in_use');
  });
});
