/**
 * "Half / double time" in one tap through the API, with real ffmpeg: a generated ballad the
 * analysis counts at double time offers half time; the switch analyses the song again at that
 * octave and offers the way back; a second half-time tap is refused naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthSong } from '../../../models/music/synth-songs.js';
import { apiHarness, type ApiHarness, errorOf } from '../../helpers/api-app.js';
import { pcmWav, songForm } from '../../helpers/audio-files.js';

let h: ApiHarness;
beforeAll(async () => {
  h = await apiHarness({ http: { maxSongBytes: 4 * 1024 * 1024 } });
});
afterAll(async () => {
  await h.stop();
});

interface Analysis {
  tempo: number;
  beats: number[];
  tempoConfidence: number;
  alternativeTempo: { bpm: number; relation: string } | null;
  octave?: number;
}
const near = (a: number, b: number) => Math.abs(a - b) / b < 0.04;

describe('counting a song at half or double time', () => {
  it('offers the octave, switches to it with its beats, offers the way back, and refuses a second step', async () => {
    const song = synthSong('ballad', 2000, 20);
    const up = await h.call('/api/v1/songs', {
      token: h.tokens.technician,
      form: songForm('Slow one', pcmWav(song.pcm, song.sampleRate)),
    });
    expect(up.status, up.text).toBe(201);
    const { id, analysis: heard } = up.body as { id: number; analysis: Analysis };
    expect(near(heard.tempo, song.bpm * 2), `heard ${heard.tempo} for ${song.bpm}`).toBe(true);
    expect(heard.alternativeTempo?.relation).toBe('half');
    expect(heard.tempoConfidence).toBeLessThan(0.9);

    const half = await h.call(`/api/v1/songs/${id}/count`, {
      method: 'POST',
      token: h.tokens.technician,
      body: { count: 'half' },
    });
    expect(half.status, half.text).toBe(200);
    const counted = (half.body as { tempo: number; analysis: Analysis }).analysis;
    expect(near(counted.tempo, song.bpm)).toBe(true);
    expect((half.body as { tempo: number }).tempo).toBe(counted.tempo);
    expect(counted.octave).toBe(-1);
    expect(counted.alternativeTempo).toMatchObject({ relation: 'double' });
    expect(near(counted.alternativeTempo!.bpm, heard.tempo)).toBe(true);
    // Beats a counted beat apart, about half as many.
    expect(Math.abs(counted.beats.length - heard.beats.length / 2)).toBeLessThanOrEqual(2);

    const again = await h.call(`/api/v1/songs/${id}/count`, {
      method: 'POST',
      token: h.tokens.technician,
      body: { count: 'half' },
    });
    expect(again.status).toBe(409);
    expect(errorOf(again.body)).toMatchObject({ code: 'octave_limit', field: 'body.count' });
    const bad = await h.call(`/api/v1/songs/${id}/count`, {
      method: 'POST',
      token: h.tokens.technician,
      body: { count: 'triple' },
    });
    expect(bad.status).toBe(422);
    expect(errorOf(bad.body).field).toBe('body.count');

    const back = await h.call(`/api/v1/songs/${id}/count`, {
      method: 'POST',
      token: h.tokens.technician,
      body: { count: 'double' },
    });
    expect(back.status, back.text).toBe(200);
    const restored = (back.body as { analysis: Analysis }).analysis;
    expect(restored.tempo).toBe(heard.tempo);
    expect(restored.octave).toBeUndefined();
    expect(restored.beats).toEqual(heard.beats);
  });
});
