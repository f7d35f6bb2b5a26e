/**
 * /api/v1/console: the state the page shows, the live stream (Server-Sent Events) with its
 * consent check, and doctor run in-process. The stream is read as the page reads it, from the
 * response body, while events are put on the bus.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleState } from '../../../daemon/console/contracts.js';
import { takeSseEvents } from '../../../sync/web/kit/sse.js';
import { apiHarness, errorOf, type ApiHarness } from '../../helpers/api-app.js';

let h: ApiHarness;
let bandId: number;
beforeAll(async () => {
  h = await apiHarness();
  const admin = h.tokens.admin;
  const made = await h.call('/api/v1/biometrics/devices', {
    token: admin,
    body: { device_key: 'sim-band-001', kind: 'wearable', transport: 'sim', name: 'Band 1' },
  });
  bandId = (made.body as { id: number }).id;
  await h.call('/api/v1/biometrics/devices', {
    token: admin,
    body: { device_key: 'sim-band-002', kind: 'wearable', transport: 'sim', name: 'Band 2' },
  });
  h.health.report('sim-band-001', {
    type: 'device',
    state: 'connected',
    lastSampleAt: Date.now() - 200,
    batteryPercent: 77,
    rssi: -58,
  });
  h.health.report('sim-band-001', { state: 'retrying' });
  h.health.report('sim-band-001', { state: 'connected' });
});
afterAll(async () => {
  await h.stop();
});

/** Reads SSE events from a streaming response until `until` says stop (or 5 s pass). */
async function readEvents(
  res: Response,
  until: (events: { event: string; data: unknown }[]) => boolean,
): Promise<{ event: string; data: unknown }[]> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: { event: string; data: unknown }[] = [];
  let buffer = '';
  const deadline = Date.now() + 5000;
  while (!until(events) && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    const taken = takeSseEvents(buffer + value);
    buffer = taken.rest;
    events.push(...taken.events.map((e) => ({ event: e.event, data: JSON.parse(e.data) as unknown })));
  }
  await reader.cancel();
  return events;
}

describe('console API', () => {
  it('GET /console/state: devices with wearer and reconnects, dancers checked in, clock, presets, sync', async () => {
    const t = h.tokens.technician;
    const now = Date.now();
    const event = await h.call('/api/v1/events', {
      token: t,
      body: {
        name: 'Tonight',
        starts_at: new Date(now - 60_000).toISOString(),
        ends_at: new Date(now + 3_600_000).toISOString(),
      },
    });
    const eventId = (event.body as { id: number }).id;
    await h.call('/api/v1/events/register', { token: h.tokens.dancer, body: { event_id: eventId } });
    await h.call('/api/v1/events/checkin', { token: t, body: { event_id: eventId, user_id: h.ids.dancer } });
    expect(
      (
        await h.call(`/api/v1/biometrics/devices/${bandId}/assign`, {
          token: t,
          body: { user_id: h.ids.dancer, event_id: eventId },
        })
      ).status,
    ).toBe(201);

    const res = await h.call('/api/v1/console/state', { token: t });
    expect(res.status).toBe(200);
    const state = consoleState.parse(res.body);
    expect(state.box.name).toBe('test-box');
    expect(state.event).toEqual({ id: eventId, name: 'Tonight' });
    expect(state.devices.find((d) => d.id === 'sim-band-001')).toMatchObject({
      device_id: bandId,
      name: 'Band 1',
      state: 'connected',
      battery_percent: 77,
      rssi: -58,
      reconnects: 1,
      dancer: { id: h.ids.dancer, username: 'dancer' },
    });
    // a stored band the daemon has not seen is listed so it can be paired
    expect(state.devices.find((d) => d.id === 'sim-band-002')).toMatchObject({
      state: 'stopped',
      detail: 'not seen since the daemon started',
      dancer: null,
    });
    expect(state.dancers).toEqual([
      expect.objectContaining({ id: h.ids.dancer, username: 'dancer', device: 'sim-band-001' }),
    ]);
    expect(state.clock?.bpm).toBeGreaterThan(0);
    expect(state.mapping?.rules).toBeGreaterThan(0);
    expect(state.sync?.backlog.entries).toBeGreaterThan(0); // the records made above, waiting for an enrolment
    expect((await h.call('/api/v1/console/state', { token: h.tokens.dancer })).status).toBe(403);
  });

  it("streams state, crowd states and the chosen band's vitals; refuses a band whose wearer has not consented", async () => {
    const t = h.tokens.technician;
    const unknown = await h.call('/api/v1/console/stream', { token: t, query: { device: 'nope' } });
    expect(unknown.status).toBe(404);
    expect(errorOf(unknown.body).field).toBe('query.device');
    // "other" wears band 2 and withdraws biometric consent: the console may not show her vitals
    const band2 = (await h.call('/api/v1/biometrics/devices', { token: t })).body as {
      items: { id: number; device_key: string }[];
    };
    const id2 = band2.items.find((d) => d.device_key === 'sim-band-002')!.id;
    await h.call(`/api/v1/biometrics/devices/${id2}/assign`, { token: t, body: { user_id: h.ids.other } });
    await h.call(`/api/v1/users/${h.ids.other}`, {
      method: 'PUT',
      token: h.tokens.other,
      body: { consent_biometrics: false },
    });
    const refused = await h.call('/api/v1/console/stream', { token: t, query: { device: 'sim-band-002' } });
    expect(refused.status).toBe(403);
    expect(errorOf(refused.body)).toMatchObject({ code: 'no_consent', field: 'query.device' });

    const once = await h.call('/api/v1/console/stream', { token: t, query: { once: 'true' } });
    expect(once.status).toBe(200);
    expect(once.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(once.text).toMatch(/^event: state\ndata: \{/);

    const res = await h.app.request('/api/v1/console/stream?device=sim-band-001', {
      headers: { authorization: `Bearer ${t}` },
    });
    expect(res.status).toBe(200);
    const emit = setInterval(() => {
      const at = Date.now();
      h.bus.emit('crowd', {
        at,
        eventId: null,
        bpm: 124,
        activeDancers: 2,
        energy: 0.61,
        arousal: { mean: 0.4, p10: 0.1, p50: 0.4, p90: 0.7, highShare: 0.2 },
        beatSynchrony: 0.8,
        interSynchrony: 0.3,
        density: null,
      });
      h.bus.emit('sample', {
        kind: 'heart_rate',
        deviceKey: 'sim-band-001',
        receivedAt: at,
        index: 1,
        bpm: 131,
        rr1024: [],
      });
      h.bus.emit('sample', {
        kind: 'heart_rate',
        deviceKey: 'sim-band-003',
        receivedAt: at,
        index: 1,
        bpm: 99,
        rr1024: [],
      });
      h.bus.emit('sample', {
        kind: 'raw',
        deviceKey: 'sim-band-001',
        stream: 'acc',
        receivedAt: at,
        firstIndex: 0,
        startedAt: at,
        rateHz: 50,
        channels: 3,
        values: new Float32Array([0, 0, 1.25, 0, 0, 0.75]),
      });
      h.bus.emit('pattern', { deviceKey: 'sim-band-001', patternId: 1, at, confidence: 0.9, name: 'dip' });
    }, 50);
    const events = await readEvents(
      res,
      (es) =>
        ['state', 'crowd', 'log'].every((k) => es.some((e) => e.event === k)) &&
        es.filter((e) => e.event === 'vitals').length >= 2,
    );
    clearInterval(emit);
    expect(events[0]!.event).toBe('state');
    expect(events.find((e) => e.event === 'crowd')!.data).toMatchObject({
      active: 2,
      energy: 0.61,
      arousal: 0.4,
      beat_synchrony: 0.8,
      inter_synchrony: 0.3,
    });
    const vitals = events.filter((e) => e.event === 'vitals').map((e) => e.data as Record<string, unknown>);
    expect(vitals.every((v) => v.device === 'sim-band-001')).toBe(true);
    expect(vitals).toContainEqual(expect.objectContaining({ hr: 131 }));
    expect(vitals).toContainEqual(expect.objectContaining({ movement: 0.25 }));
    expect(events.find((e) => e.event === 'log')!.data).toMatchObject({
      kind: 'pattern',
      text: 'dip on sim-band-001 (90 %)',
    });
    // the stream let go of the bus when the reader went away
    await new Promise((r) => setTimeout(r, 50));
    expect(h.bus.listenerCount('crowd')).toBe(0);
  });

  it("stops a dancer's vitals within a second of her withdrawing consent, and says so", async () => {
    const t = h.tokens.technician;
    const res = await h.app.request('/api/v1/console/stream?device=sim-band-001', {
      headers: { authorization: `Bearer ${t}` },
    });
    expect(res.status).toBe(200);
    let withdrawnAt = Infinity;
    const emit = setInterval(
      () =>
        h.bus.emit('sample', {
          kind: 'heart_rate',
          deviceKey: 'sim-band-001',
          receivedAt: Date.now(),
          index: 1,
          bpm: 120,
          rr1024: [],
        }),
      50,
    );
    const withdraw = setTimeout(() => {
      withdrawnAt = Date.now();
      void h.call(`/api/v1/users/${h.ids.dancer}`, {
        method: 'PUT',
        token: h.tokens.dancer,
        body: { consent_biometrics: false },
      });
    }, 300);
    const events = await readEvents(
      res,
      (es) => es.some((e) => e.event === 'log') && es.filter((e) => e.event === 'state').length >= 4,
    );
    clearInterval(emit);
    clearTimeout(withdraw);
    const stopped = events.findIndex((e) => e.event === 'log');
    expect(events[stopped]!.data).toMatchObject({
      kind: 'device',
      text: 'vitals of sim-band-001 stopped: its wearer has not consented to biometric recording',
    });
    expect((events[stopped]!.data as { at: number }).at - withdrawnAt).toBeLessThan(1500);
    expect(events.slice(0, stopped).some((e) => e.event === 'vitals')).toBe(true);
    expect(events.slice(stopped).some((e) => e.event === 'vitals')).toBe(false);
    await h.call(`/api/v1/users/${h.ids.dancer}`, {
      method: 'PUT',
      token: h.tokens.dancer,
      body: { consent_biometrics: true },
    });
  });

  it("GET /console/doctor runs doctor's checks in the daemon", async () => {
    const res = await h.call('/api/v1/console/doctor', { token: h.tokens.admin });
    expect(res.status).toBe(200);
    const body = res.body as { rows: { name: string; status: string }[]; blocking: boolean };
    expect(body.rows.map((r) => r.name)).toEqual(expect.arrayContaining(['node version', 'store writable', 'ffmpeg']));
    expect(body.rows.find((r) => r.name === 'node version')!.status).toBe('ok');
    expect(body.blocking).toBe(false);
  });
});
