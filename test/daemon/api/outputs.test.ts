import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiHarness, type ApiHarness, errorOf } from '../../helpers/api-app.js';
import { makers } from '../../helpers/api-makers.js';
import { sampleForm, wavBytes } from '../../helpers/audio-files.js';

let h: ApiHarness;
beforeAll(async () => {
  h = await apiHarness({ http: { maxSampleBytes: 64 * 1024, maxBodyBytes: 4096 } });
});
afterAll(async () => {
  await h.stop();
});

const err = errorOf;

describe('sound samples', () => {
  it('uploads a WAV, reads its rate and length from the header, and downloads the same bytes', async () => {
    const bytes = wavBytes(0.5, 22_050);
    const up = await h.call('/api/v1/sound/samples', {
      token: h.tokens.technician,
      form: sampleForm('güira loop', bytes),
    });
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({
      name: 'güira loop',
      category: 'percussion',
      mime_type: 'audio/wav',
      size_bytes: bytes.length,
      sample_rate: 22_050,
      duration_s: 0.5,
    });
    const id = (up.body as { id: number }).id;
    const res = await h.app.request(`/api/v1/sound/samples/${id}/audio`, {
      headers: { authorization: `Bearer ${h.tokens.dancer}` },
    });
    expect(res.headers.get('content-type')).toBe('audio/wav');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="g_ira_loop.wav"');
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes);
    const listed = (await h.call('/api/v1/sound/samples', { token: h.tokens.dancer })).text;
    expect(listed).not.toContain('"data"');
  });

  it('refuses what is not audio (415), what is too large (413) and a missing file (422)', async () => {
    const text = sampleForm('notes', new TextEncoder().encode('this is not audio at all, just text'));
    const notAudio = await h.call('/api/v1/sound/samples', { token: h.tokens.technician, form: text });
    expect(notAudio.status).toBe(415);
    expect(err(notAudio.body)).toMatchObject({ code: 'unsupported_audio', field: 'body.file' });
    const big = await h.call('/api/v1/sound/samples', {
      token: h.tokens.technician,
      form: sampleForm('long', wavBytes(5, 8000)),
    });
    expect(big.status).toBe(413);
    expect(err(big.body).message).toMatch(/http\.maxSampleBytes/);
    const form = new FormData();
    form.set('name', 'nothing');
    form.set('category', 'fx');
    const none = await h.call('/api/v1/sound/samples', { token: h.tokens.technician, form });
    expect(none.status).toBe(422);
    expect(err(none.body).field).toBe('body.file');
  });

  it('caps JSON bodies everywhere else (413)', async () => {
    const res = await h.call('/api/v1/sound/presets', {
      token: h.tokens.technician,
      body: { name: 'big', parameters: { blob: 'x'.repeat(10_000) } },
    });
    expect(res.status).toBe(413);
    expect(err(res.body).code).toBe('payload_too_large');
  });
});

describe('song selections', () => {
  it('lets a dancer choose and edit their own songs, and only staff approve', async () => {
    const song = await h.call('/api/v1/sound/songs', {
      token: h.tokens.dancer,
      body: { title: 'Obsesión', artist: 'Aventura', audio_features: { tempo_bpm: 124 } },
    });
    expect(song.body).toMatchObject({ user_id: h.ids.dancer, status: 'pending', audio_features: { tempo_bpm: 124 } });
    const id = (song.body as { id: number }).id;
    expect(
      (
        await h.call(`/api/v1/sound/songs/${id}`, {
          method: 'PUT',
          token: h.tokens.dancer,
          body: { status: 'approved' },
        })
      ).status,
    ).toBe(403);
    expect((await h.call(`/api/v1/sound/songs/${id}/approve`, { method: 'POST', token: h.tokens.dancer })).status).toBe(
      403,
    );
    const approved = await h.call(`/api/v1/sound/songs/${id}/approve`, { method: 'POST', token: h.tokens.technician });
    expect(approved.body).toMatchObject({ status: 'approved' });
    const edited = await h.call(`/api/v1/sound/songs/${id}`, {
      method: 'PUT',
      token: h.tokens.dancer,
      body: { title: 'Obsesión (live)' },
    });
    expect(edited.body).toMatchObject({ title: 'Obsesión (live)', status: 'pending' }); // an edit needs approval again
    expect((await h.call(`/api/v1/sound/songs/${id}`, { token: h.tokens.other })).status).toBe(403);
  });
});

describe('sound and visualization output', () => {
  it('derives a sound and a visualization event from the recent crowd movement', async () => {
    const m = makers(h.sql);
    const event = m.event();
    const now = Date.now();
    for (let i = 0; i < 10; i++)
      h.sql.run(
        h.sql.db.insertInto('movement_data').values({
          event_id: event,
          recorded_at: now - i * 500,
          data_type: 'x',
          intensity: 0.9,
          crowd_density: 1.2,
          source: 'api',
        }),
      );
    const sound = await h.call('/api/v1/sound/simulate', { token: h.tokens.technician, body: { event_id: event } });
    expect(sound.status).toBe(201);
    expect(sound.body).toMatchObject({
      event_id: event,
      sound_type: 'peak_hit',
      intensity: 0.9,
      parameters: { basis: 'movement', samples: 10 },
    });
    const viz = await h.call('/api/v1/visualization/simulate', {
      token: h.tokens.technician,
      body: { event_id: event },
    });
    expect(viz.body).toMatchObject({ viz_type: 'strobe_burst', parameters: { basis: 'movement', density: 1.2 } });
    const quiet = await h.call('/api/v1/visualization/simulate', {
      token: h.tokens.technician,
      body: { event_id: m.event() },
    });
    expect(quiet.body).toMatchObject({ parameters: { basis: 'model', samples: 0 } });
    expect(
      (await h.call('/api/v1/sound/simulate', { token: h.tokens.technician, body: { event_id: 987_654 } })).status,
    ).toBe(404);
  });

  it('keeps output events and presets: staff write, admin deletes events, names unique', async () => {
    const ev = await h.call('/api/v1/visualization/events', {
      token: h.tokens.technician,
      body: { viz_type: 'pulse', parameters: { hue: 200 }, duration_ms: 4000 },
    });
    const id = (ev.body as { id: number }).id;
    expect(
      (await h.call(`/api/v1/visualization/events/${id}`, { method: 'DELETE', token: h.tokens.technician })).status,
    ).toBe(403);
    expect(
      (await h.call(`/api/v1/visualization/events/${id}`, { method: 'DELETE', token: h.tokens.admin })).status,
    ).toBe(204);
    await h.call('/api/v1/sound/presets', {
      token: h.tokens.technician,
      body: { name: 'Warm-up', parameters: { bpm: 118 } },
    });
    const dup = await h.call('/api/v1/sound/presets', { token: h.tokens.technician, body: { name: 'Warm-up' } });
    expect(dup.status).toBe(409);
    const bad = await h.call('/api/v1/sound/events', {
      token: h.tokens.technician,
      body: { sound_type: 'pad', intensity: 2 },
    });
    expect(err(bad.body).field).toBe('body.intensity');
  });
});
