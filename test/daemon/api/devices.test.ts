import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiHarness, type ApiHarness, errorOf } from '../../helpers/api-app.js';
import { waitFor } from '../../helpers/wait.js';

const err = errorOf;

let h: ApiHarness;
beforeAll(async () => {
  h = await apiHarness();
  await waitFor(() => h.health.get('haptic:floor')?.state === 'connected', 'simulated controller connected');
});
afterAll(async () => {
  await h.stop();
});

describe('devices', () => {
  it('GET /devices/health reads the one health registry, with last sample age, battery, RSSI and errors', async () => {
    h.health.report('a0:9e:1a:00:8c:4e', {
      type: 'device',
      state: 'connected',
      lastSampleAt: Date.now() - 1500,
      batteryPercent: 81,
      rssi: -63,
    });
    h.health.countError('a0:9e:1a:00:8c:4e', 'invalid_heart_rate');
    h.health.report('a0:9e:1a:00:8c:4e', { lastError: 'heart_rate: too short: 1 byte(s)' });
    h.health.report('ble', {
      type: 'subsystem',
      state: 'unavailable',
      detail: 'Bluetooth is not available on this machine',
    });
    const res = await h.call('/api/v1/devices/health', { token: h.tokens.technician });
    expect(res.status).toBe(200);
    const body = res.body as {
      devices: { id: string; last_sample_age_ms: number | null }[];
      subsystems: { id: string; state: string }[];
      by_state: Record<string, number>;
    };
    const band = body.devices.find((d) => d.id === 'a0:9e:1a:00:8c:4e');
    expect(band).toMatchObject({
      state: 'connected',
      battery_percent: 81,
      rssi: -63,
      errors: { invalid_heart_rate: 1 },
      last_error: 'heart_rate: too short: 1 byte(s)',
    });
    expect(band!.last_sample_age_ms).toBeGreaterThanOrEqual(1500);
    expect(body.devices.find((d) => d.id === 'haptic:floor')).toMatchObject({ state: 'connected' });
    expect(body.subsystems).toContainEqual(expect.objectContaining({ id: 'ble', state: 'unavailable' }));
    expect(body.by_state.connected).toBeGreaterThanOrEqual(2);
    expect((await h.call('/api/v1/devices/health', { token: h.tokens.dancer })).status).toBe(403);
  });

  it('POST /devices/haptics/{name}/pulse drives the controller, which acknowledges', async () => {
    const before = h.controller.log.length;
    const res = await h.call('/api/v1/devices/haptics/floor/pulse', {
      token: h.tokens.technician,
      body: { channel: 3, pattern: 'heartbeat', intensity: 1, duration_ms: 300 },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, attempts: 1 });
    expect(h.controller.log.slice(before)).toEqual([
      expect.objectContaining({ channel: 3, pattern: 'heartbeat', durationMs: 300 }),
    ]);
    const list = await h.call('/api/v1/devices/haptics', { token: h.tokens.admin });
    expect(list.body).toEqual({ controllers: [{ name: 'floor', channels: 4, state: 'connected' }] });
  });

  it('names what is wrong: unknown controller 404, channel out of range 422, bad pattern 422', async () => {
    const unknown = await h.call('/api/v1/devices/haptics/stage/pulse', {
      token: h.tokens.technician,
      body: { channel: 0 },
    });
    expect(unknown.status).toBe(404);
    expect(err(unknown.body).message).toContain('no haptic controller named "stage"');
    const channel = await h.call('/api/v1/devices/haptics/floor/pulse', {
      token: h.tokens.technician,
      body: { channel: 4 },
    });
    expect(channel.status).toBe(422);
    expect(err(channel.body)).toMatchObject({ field: 'body.channel' });
    const pattern = await h.call('/api/v1/devices/haptics/floor/pulse', {
      token: h.tokens.technician,
      body: { channel: 0, pattern: 'wobble' },
    });
    expect(pattern.status).toBe(422);
    expect(err(pattern.body).message).toContain('pattern');
  });
});
