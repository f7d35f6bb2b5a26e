/**
 * Line-in beat tracking on real music (shared/data/audio/bpm-detective, tempo in the file
 * name): decoded by ffmpeg as fast as it goes for the tracker, and played in real time (`-re`)
 * through the driver into the music clock.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { MusicClock } from '../../../daemon/clock/music-clock.js';
import { AudioClockDriver } from '../../../drivers/media/audio-clock-driver.js';
import { BeatTracker } from '../../../models/music/beat-tracker.js';
import { HealthRegistry } from '../../../drivers/health/registry.js';
import { dataFile } from '../../helpers/data.js';
import { waitFor } from '../../helpers/wait.js';

function decode(file: string): Float32Array {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-i', file, '-ac', '1', '-ar', '22050', '-f', 'f32le', 'pipe:1'], {
    maxBuffer: 1 << 28,
  });
  return new Float32Array(r.stdout.buffer, r.stdout.byteOffset, r.stdout.length / 4);
}

describe('beat tracking from audio', () => {
  it('finds the labelled tempo of the three excerpts long enough to hold one (within 4%), with beats on its grid', () => {
    const results: Record<string, number | undefined> = {};
    let gapsChecked = 0;
    for (const bpm of [117, 170, 97, 90]) {
      const t = new BeatTracker();
      const pcm = decode(dataFile('audio', 'bpm-detective', `${bpm}bpm.wav`));
      const all: { atS: number; bpm: number }[] = [];
      for (let i = 0; i < pcm.length; i += 2205)
        for (const e of t.push(pcm.subarray(i, i + 2205))) if (e.type === 'beat') all.push(e);
      // Beats on the final tempo's grid (an early estimate may have been an octave off).
      const beats = all.filter((b) => b.bpm === t.bpm).map((b) => b.atS);
      results[bpm] = t.bpm;
      if (bpm === 90) continue; // 2.7 s: shorter than the two seconds of onsets an estimate needs
      expect(Math.abs(t.bpm! - bpm) / bpm, `${bpm} bpm excerpt: got ${t.bpm}`).toBeLessThan(0.04);
      expect(beats.length).toBeGreaterThanOrEqual(1);
      gapsChecked += beats.length - 1;
      // Spaced by the period, give or take the phase corrections of each re-estimate (a frame or two).
      for (let i = 1; i < beats.length; i++)
        expect(Math.abs(beats[i]! - beats[i - 1]! - 60 / t.bpm!)).toBeLessThan(0.05);
    }
    expect(gapsChecked).toBeGreaterThanOrEqual(8);
    expect(results[90]).toBeUndefined();
  });

  it('drives the music clock live from ffmpeg playing a file in real time (-re)', async () => {
    const health = new HealthRegistry();
    const beats: number[] = [];
    const clock = new MusicClock(
      { mode: 'auto', bpm: 120, beatsPerBar: 4, beatsPerPhrase: 8, staleMs: 4000, lookaheadMs: 50 },
      () => undefined,
    );
    const driver = new AudioClockDriver(
      { input: dataFile('audio', 'bpm-detective', '117bpm.wav'), inputOptions: ['-re'], retryMs: 60_000 },
      health,
      {
        tempo: (bpm) => clock.setTempo(bpm, 'audio'),
        beat: (at) => (beats.push(at), clock.beatAt(at, 'audio')),
      },
    );
    const ac = new AbortController();
    await driver.start(ac.signal);
    await waitFor(() => beats.length >= 4, 'four tracked beats', 9000, 50);
    expect(clock.snapshot()).toMatchObject({ source: 'audio' });
    expect(Math.abs(clock.snapshot().bpm - 117) / 117).toBeLessThan(0.04);
    // The beats' wall times are spaced by the tempo.
    for (let i = 1; i < beats.length; i++) expect(beats[i]! - beats[i - 1]!).toBeCloseTo(60_000 / 117, -2);
    expect(health.get('clock:audio')).toMatchObject({ state: 'connected' });
    await driver.stop();
  }, 15_000);

  it('reports an input ffmpeg cannot open, and keeps running', async () => {
    const health = new HealthRegistry();
    const driver = new AudioClockDriver(
      { input: '/nonexistent/line-in.wav', inputOptions: [], retryMs: 60_000 },
      health,
      { tempo: () => undefined, beat: () => undefined },
    );
    await driver.start(new AbortController().signal);
    await waitFor(() => health.get('clock:audio')?.state === 'retrying', 'retrying', 5000, 20);
    expect(health.get('clock:audio')?.detail).toMatch(/\/nonexistent\/line-in\.wav.*No such file/);
    await driver.stop();
  });
});
