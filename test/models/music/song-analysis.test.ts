/**
 * Offline song analysis and the song clock's beat lookup: real recordings with labelled
 * tempi, a generated click track with a known grid, and the failure paths of playback.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MusicClock } from '../../../daemon/clock/music-clock.js';
import { nextBeat, Playback } from '../../../daemon/playback/playback.js';
import { HealthRegistry } from '../../../drivers/health/registry.js';
import { analyseSong } from '../../../drivers/media/analyse-song.js';
import { clickWav } from '../../helpers/audio-files.js';
import { dataFile } from '../../helpers/data.js';
import { tempDir } from '../../helpers/daemon-process.js';
import { waitFor } from '../../helpers/wait.js';

describe('song analysis', () => {
  it('finds the labelled tempo of the three bpm-detective excerpts long enough to analyse, within 4% and with no octave error', async () => {
    for (const bpm of [117, 170, 97]) {
      const a = await analyseSong(dataFile('audio', 'bpm-detective', `${bpm}bpm.wav`));
      expect(Math.abs(a.tempo! - bpm) / bpm, `${bpm} bpm excerpt: got ${a.tempo}`).toBeLessThan(0.04);
      // Beats spaced by the tempo, give or take a frame.
      const gaps = a.beats.slice(1).map((b, i) => b - a.beats[i]!);
      const median = gaps.sort((x, y) => x - y)[Math.floor(gaps.length / 2)]!;
      expect(Math.abs(median - 60 / bpm)).toBeLessThan(0.03);
    }
  });

  it('puts every beat of a click track within 15 ms of its click, and trims the silence before it', async () => {
    const file = join(tempDir(), 'clicks.wav');
    writeFileSync(file, clickWav({ bpm: 96, seconds: 12, firstBeatS: 1.5 }));
    const a = await analyseSong(file);
    expect(a.durationS).toBe(12);
    expect(Math.abs(a.tempo! - 96)).toBeLessThan(1);
    const period = 60 / 96;
    expect(a.beats[0]).toBeGreaterThan(1.45);
    expect(a.beats.length).toBeGreaterThanOrEqual(15);
    for (const b of a.beats) {
      const off = (b - 1.5) / period;
      expect(Math.abs(off - Math.round(off)) * period, `beat at ${b}`).toBeLessThan(0.015);
    }
  });

  it("names the file and ffmpeg's reason when it cannot decode", async () => {
    await expect(analyseSong('/nonexistent/song.mp3')).rejects.toThrow(
      /ffmpeg could not decode \/nonexistent\/song\.mp3: .*No such file/,
    );
  });

  it('says how to install ffmpeg when it is missing, not "spawn ffmpeg ENOENT"', async () => {
    await expect(
      analyseSong(dataFile('audio', 'bpm-detective', '97bpm.wav'), { ffmpegPath: 'ffmpeg-not-here' }),
    ).rejects.toThrow(
      'ffmpeg is not installed or not on PATH (Debian: apt-get install ffmpeg; codance doctor checks it)',
    );
  });
});

describe('the next beat of a playing song', () => {
  const beats = [1, 1.5, 2, 2.5, 3, 3.5, 4];
  it('is the analysed beat after the position, with the local tempo', () => {
    expect(nextBeat(beats, 2.2)).toMatchObject({ index: 3, bpm: expect.closeTo(120, 6) as unknown });
    expect(nextBeat(beats, 2.2).atS).toBeCloseTo(2.5, 6);
    expect(nextBeat(beats, 2.5).atS).toBeCloseTo(3, 6);
  });
  it('carries the edge tempo on before the first beat and after the last', () => {
    expect(nextBeat(beats, 0.1)).toMatchObject({ index: -1 });
    expect(nextBeat(beats, 0.1).atS).toBeCloseTo(0.5, 6);
    expect(nextBeat(beats, 5.1)).toMatchObject({ index: 9 });
    expect(nextBeat(beats, 5.1).atS).toBeCloseTo(5.5, 6);
  });
  it("smooths a frame's jitter out of the time and tempo", () => {
    const jittered = [0, 0.511, 0.988, 1.511, 1.988, 2.511, 2.988, 3.511, 3.988];
    const n = nextBeat(jittered, 1.6);
    expect(n.bpm).toBeCloseTo(120, 0);
    expect(Math.abs(n.atS - 2)).toBeLessThan(0.01);
  });
});

describe('playback failures', () => {
  it("reports the default ALSA output on a box with no sound card as failed, with ffmpeg's reason, in status and health", async () => {
    const file = join(tempDir(), 'clicks.wav');
    writeFileSync(file, clickWav({ seconds: 2 }));
    const health = new HealthRegistry();
    const clock = new MusicClock(
      { mode: 'auto', bpm: 120, beatsPerBar: 4, beatsPerPhrase: 8, staleMs: 4000, lookaheadMs: 50 },
      () => undefined,
    );
    const playback = new Playback(
      { outputArgs: ['-f', 'alsa', 'default'], latencyMs: 0, beatsPerPhrase: 8 },
      clock,
      health,
      Date.now,
    );
    await playback.play({
      id: 7,
      title: 'clicks',
      file,
      analysis: { version: 1, durationS: 2, tempo: 120, beats: [0.25, 0.75, 1.25, 1.75], firstCountBeat: 0 },
    });
    await waitFor(() => playback.status().state === 'failed', 'failed', 5000, 20);
    expect(playback.status().detail).toMatch(/ffmpeg exited \(\d+\): .*cannot open audio device default/);
    expect(health.get('media:playback')).toMatchObject({ state: 'error' });
    expect(clock.snapshot().source).toBe('fallback');
  });
});
