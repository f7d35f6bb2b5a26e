/**
 * /api/v1/choreography through the real app: a generated drum song imported with the Bachata
 * prior (analysis version 2: downbeats, phrases, sections), the move library, request parsing,
 * and a blueprint over the song that follows its phrases and sections.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiHarness, type ApiHarness } from '../../helpers/api-app.js';
import { drumTrack } from '../../helpers/drum-track.js';

let h: ApiHarness;
beforeAll(async () => {
  h = await apiHarness({ http: { maxSongBytes: 16 * 1024 * 1024 } });
});
afterAll(async () => {
  await h.stop();
});

interface Step {
  moveId: string;
  startS: number;
  endS: number;
  section: string;
  from: string;
  to: string;
  why: string[];
}

describe('choreography API', () => {
  it('imports a song with the Bachata prior, then plans a blueprint over its phrases and sections', async () => {
    const track = drumTrack(
      [
        { bars: 8, bpm: 132, gain: 0.15, label: 'intro' },
        { bars: 16, bpm: 132, gain: 1, label: 'chorus' },
        { bars: 8, bpm: 132, gain: 0.15, label: 'outro' },
      ],
      { pickupBeats: 2 },
    );
    const form = new FormData();
    form.set('file', new File([track.wav], 'drums.wav', { type: 'audio/wav' }));
    form.set('title', 'Drums at 132');
    form.set('style', 'bachata');
    const up = await h.call('/api/v1/songs', { token: h.tokens.technician, form });
    expect(up.status, up.text).toBe(201);
    const song = up.body as {
      id: number;
      analysis: {
        version: number;
        style: string;
        phrases: number[];
        sections: { label: string }[];
        downbeats: number[];
      };
    };
    expect(song.analysis).toMatchObject({ version: 2, style: 'bachata' });
    expect(song.analysis.sections.map((s) => s.label)).toEqual(['intro', 'chorus', 'outro']);
    expect(song.analysis.phrases.length).toBe(16);

    const plan = await h.call('/api/v1/choreography/blueprint', {
      method: 'POST',
      token: h.tokens.dancer,
      body: { song_id: song.id, query: 'romantic beginner, smooth', seed: 3 },
    });
    expect(plan.status, plan.text).toBe(200);
    const b = plan.body as { steps: Step[]; totalCounts: number; params: { level: string } };
    expect(b.params.level).toBe('beginner');
    expect(b.totalCounts).toBe(128);
    // every 8-count move starts on a phrase's "1" or its "5", on the song's own beat times
    for (const s of b.steps)
      expect(
        track.beats.some((t) => Math.abs(t - s.startS) < 0.03),
        `${s.moveId} at ${s.startS}`,
      ).toBe(true);
    expect(new Set(b.steps.map((s) => s.section))).toEqual(new Set(['intro', 'chorus', 'outro']));
    const again = await h.call('/api/v1/choreography/blueprint', {
      method: 'POST',
      token: h.tokens.dancer,
      body: { song_id: song.id, query: 'romantic beginner, smooth', seed: 3 },
    });
    expect(again.body).toEqual(plan.body);
  });

  it('lists the move library with filters, and parses a request in words', async () => {
    const all = (await h.call('/api/v1/choreography/moves', { token: h.tokens.dancer })).body as { id: string }[];
    expect(all.length).toBeGreaterThanOrEqual(40);
    const easySensual = (
      await h.call('/api/v1/choreography/moves?style=sensual&max_difficulty=2', { token: h.tokens.dancer })
    ).body as { styles: string[]; difficulty: number }[];
    expect(easySensual.length).toBeGreaterThan(0);
    expect(easySensual.every((m) => m.styles.includes('sensual') && m.difficulty <= 2)).toBe(true);
    const parsed = await h.call('/api/v1/choreography/parse-query', {
      method: 'POST',
      token: h.tokens.dancer,
      body: { query: 'advanced dominican footwork, no dips, 2 minutes' },
    });
    expect(parsed.body).toMatchObject({
      level: 'advanced',
      style: 'dominican',
      durationS: 120,
      focus: ['footwork'],
      exclude: ['dip'],
    });
  });

  it('answers a song it cannot plan, an unknown song and bad input clearly', async () => {
    expect(
      (
        await h.call('/api/v1/choreography/blueprint', {
          method: 'POST',
          token: h.tokens.dancer,
          body: { song_id: 99_999 },
        })
      ).status,
    ).toBe(404);
    const bad = await h.call('/api/v1/choreography/blueprint', {
      method: 'POST',
      token: h.tokens.dancer,
      body: { song_id: 'x' },
    });
    expect(bad.status).toBe(422);
    expect((await h.call('/api/v1/choreography/moves?max_difficulty=9', { token: h.tokens.dancer })).status).toBe(422);
  });
});
