/**
 * The song library and playback through the API, with real ffmpeg: a generated click track
 * with a known beat grid is imported (and analysed), played silently (ffmpeg's null output),
 * and the music clock follows it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiHarness, type ApiHarness, errorOf } from '../../helpers/api-app.js';
import { clickWav, songForm } from '../../helpers/audio-files.js';
import { waitFor } from '../../helpers/wait.js';

let h: ApiHarness;
beforeAll(async () => {
  h = await apiHarness({ http: { maxSongBytes: 1024 * 1024 } });
});
afterAll(async () => {
  await h.stop();
});

const err = errorOf;
interface SongReply {
  id: number;
  tempo: number;
  duration_s: number;
  analysis: { beats: number[]; tempo: number; durationS: number };
}

describe('song library', () => {
  let id: number;
  let bytes: Uint8Array;

  it('is what song selections refer to: a selection names its library song, an unknown one is refused naming the field', async () => {
    const song = await h.call('/api/v1/songs', {
      token: h.tokens.technician,
      form: songForm('For selections', clickWav({ seconds: 3 })),
    });
    expect(song.status, song.text).toBe(201);
    const songId = (song.body as { id: number }).id;
    const pick = await h.call('/api/v1/sound/songs', {
      method: 'POST',
      token: h.tokens.dancer,
      body: { title: 'For selections', song_id: songId },
    });
    expect(pick.status, pick.text).toBe(201);
    expect(pick.body).toMatchObject({ song_id: songId, status: 'pending' });
    const bad = await h.call('/api/v1/sound/songs', {
      method: 'POST',
      token: h.tokens.dancer,
      body: { title: 'ghost', song_id: 99_999 },
    });
    expect(bad.status).toBe(422);
    expect(err(bad.body)).toMatchObject({ field: 'body.song_id' });
  });

  it('imports a click track and analyses it: tempo, and every beat on the known grid', async () => {
    bytes = clickWav({ bpm: 120, seconds: 6, firstBeatS: 0.25 });
    const up = await h.call('/api/v1/songs', { token: h.tokens.technician, form: songForm('Clicks at 120', bytes) });
    expect(up.status, up.text).toBe(201);
    const song = up.body as SongReply;
    id = song.id;
    expect(song).toMatchObject({
      title: 'Clicks at 120',
      mime_type: 'audio/wav',
      size_bytes: bytes.length,
      duration_s: 6,
    });
    expect(Math.abs(song.tempo - 120)).toBeLessThan(1.2);
    const { beats } = song.analysis;
    expect(beats.length).toBeGreaterThanOrEqual(10);
    // Each found beat is within 15 ms (under a 23 ms analysis frame) of a click.
    for (const b of beats) expect(Math.abs(((b - 0.25 + 0.25) % 0.5) - 0.25), `beat at ${b}`).toBeLessThan(0.015);
    expect(beats[0]).toBeLessThan(0.3);
  });

  it('lists songs without their audio, returns the analysis, and downloads the same bytes', async () => {
    const list = await h.call('/api/v1/songs', { token: h.tokens.dancer });
    expect(list.text).not.toContain('"data"');
    expect(list.text).not.toContain('"beats"');
    expect((list.body as { items: { id: number }[] }).items.map((s) => s.id)).toContain(id);
    const res = await h.app.request(`/api/v1/songs/${id}/audio`, {
      headers: { authorization: `Bearer ${h.tokens.dancer}` },
    });
    expect(res.headers.get('content-type')).toBe('audio/wav');
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes);
  });

  it('refuses the same audio twice (409), non-audio (415), audio ffmpeg cannot decode (422) and an oversize file (413), naming the field', async () => {
    const again = await h.call('/api/v1/songs', { token: h.tokens.technician, form: songForm('again', bytes) });
    expect(again.status).toBe(409);
    expect(err(again.body)).toMatchObject({ code: 'duplicate_song', field: 'body.file' });
    expect(err(again.body).message).toContain(`song ${id}`);
    const text = await h.call('/api/v1/songs', {
      token: h.tokens.technician,
      form: songForm('text', new TextEncoder().encode('not audio, only words in a file')),
    });
    expect(text.status).toBe(415);
    // A WAV header with no format chunk and garbage after it: it sniffs as WAV, ffmpeg refuses it.
    const broken = new Uint8Array(400).fill(0x5a);
    broken.set(
      [...'RIFF'].map((ch) => ch.charCodeAt(0)),
      0,
    );
    broken.set([0x88, 0x01, 0, 0], 4);
    broken.set(
      [...'WAVEjunk'].map((ch) => ch.charCodeAt(0)),
      8,
    );
    const bad = await h.call('/api/v1/songs', { token: h.tokens.technician, form: songForm('broken', broken) });
    expect(bad.status, bad.text).toBe(422);
    expect(err(bad.body)).toMatchObject({ code: 'undecodable_audio', field: 'body.file' });
    expect(err(bad.body).message).toMatch(/ffmpeg could not decode the upload/);
    const big = await h.call('/api/v1/songs', {
      token: h.tokens.technician,
      form: songForm('long', clickWav({ seconds: 30 })),
    });
    expect(big.status).toBe(413);
    expect(err(big.body).message).toMatch(/http\.maxSongBytes/);
    expect((await h.call('/api/v1/songs', { token: h.tokens.dancer, form: songForm('mine', clickWav()) })).status).toBe(
      403,
    );
  });

  it('plays a song: the music clock follows its beats (source song, 120 bpm, counts from its first beat), and stopping releases the clock at once', async () => {
    const clock = h.room.clock;
    const played = await h.call('/api/v1/playback', {
      method: 'PUT',
      token: h.tokens.technician,
      body: { song_id: id },
    });
    expect(played.status, played.text).toBe(200);
    expect(played.body).toMatchObject({ state: 'playing', song_id: id, title: 'Clicks at 120' });
    await waitFor(() => clock.snapshot().source === 'song', 'the clock to follow the song', 3000);
    expect(Math.abs(clock.snapshot().bpm - 120)).toBeLessThan(1.2);
    // The clock's next beat lies on the song's grid: 0.25 s + k·0.5 s from where the song began.
    const status = (await h.call('/api/v1/playback', { token: h.tokens.dancer })).body as {
      position_s: number;
      state: string;
    };
    expect(status.state).toBe('playing');
    const origin = Date.now() - status.position_s * 1000;
    const next = clock.nextBeatAfter(Date.now());
    const inSong = (next.at - origin) / 1000;
    expect(
      Math.abs(((inSong - 0.25 + 0.25) % 0.5) - 0.25),
      `next beat ${inSong.toFixed(3)} s into the song`,
    ).toBeLessThan(0.03);
    // The song's first analysed beat is count 1, so beat k counts (k mod 8) + 1.
    const k = Math.round((inSong - 0.25) / 0.5);
    expect(clock.describe(next.index).count).toBe((k % 8) + 1);

    const stopped = await h.call('/api/v1/playback', { method: 'DELETE', token: h.tokens.technician });
    expect(stopped.body).toMatchObject({ state: 'stopped', song_id: id });
    expect(clock.snapshot().source).not.toBe('song');
  });

  it('plays to the end (finished), refuses an unknown song (404) and a start past the end (422)', async () => {
    const played = await h.call('/api/v1/playback', {
      method: 'PUT',
      token: h.tokens.technician,
      body: { song_id: id, from_s: 5.5 },
    });
    expect(played.status).toBe(200);
    await waitFor(
      async () =>
        ((await h.call('/api/v1/playback', { token: h.tokens.dancer })).body as { state: string }).state === 'finished',
      'the song to finish',
      5000,
      50,
    );
    const unknown = await h.call('/api/v1/playback', {
      method: 'PUT',
      token: h.tokens.technician,
      body: { song_id: 999_999 },
    });
    expect(unknown.status).toBe(404);
    expect(err(unknown.body).field).toBe('body.song_id');
    const past = await h.call('/api/v1/playback', {
      method: 'PUT',
      token: h.tokens.technician,
      body: { song_id: id, from_s: 60 },
    });
    expect(past.status).toBe(422);
    expect(err(past.body)).toMatchObject({ field: 'body.from_s' });
    expect(
      (await h.call('/api/v1/playback', { method: 'PUT', token: h.tokens.dancer, body: { song_id: id } })).status,
    ).toBe(403);
  });

  it('deletes a song', async () => {
    expect((await h.call(`/api/v1/songs/${id}`, { method: 'DELETE', token: h.tokens.technician })).status).toBe(204);
    expect((await h.call(`/api/v1/songs/${id}`, { token: h.tokens.technician })).status).toBe(404);
  });
});
