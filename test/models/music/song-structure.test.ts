/**
 * Song structure on generated drum tracks with a known answer (beats, downbeats, 8-count
 * phrases, sections; a tempo change; silence in the middle), the Bachata tempo prior, and
 * `codance analyze --json` on the built CLI.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyseSong } from '../../../drivers/media/analyse-song.js';
import { downbeatPhase, energyCurve } from '../../../models/music/song-structure.js';
import { dataFile } from '../../helpers/data.js';
import { tempDir } from '../../helpers/daemon-process.js';
import { drumTrack, sectionedSong, writeDrumTrack } from '../../helpers/drum-track.js';
import { runCli } from '../../helpers/run-cli.js';

const song = sectionedSong;

/** Share of `truth` times with an analysed time within `tol` seconds. */
const recall = (truth: number[], got: number[], tol: number): number =>
  truth.filter((t) => got.some((g) => Math.abs(g - t) <= tol)).length / truth.length;

describe('song structure', () => {
  it('finds the beats, the accented downbeats after a pickup, the 8-count phrases and the sections of a drum song', async () => {
    const track = drumTrack(song, { pickupBeats: 2 });
    const a = await analyseSong(writeDrumTrack(join(tempDir(), 'song.wav'), track));
    expect(Math.abs(a.tempo! - 128) / 128).toBeLessThan(0.01);
    expect(recall(track.beats.slice(2), a.beats, 0.03)).toBeGreaterThan(0.97);
    // the first "1" is the first downbeat after the two pickup beats, not the first beat heard
    expect(Math.abs(a.beats[a.firstCountBeat]! - track.downbeats[0]!)).toBeLessThan(0.03);
    expect(recall(track.downbeats, a.downbeats!, 0.03)).toBeGreaterThan(0.97);
    expect(a.downbeats!.length).toBeLessThanOrEqual(track.downbeats.length);
    // phrases start on every other bar, from the first section's first bar
    const truthPhrases = track.downbeats.filter((_, i) => i % 2 === 0);
    expect(recall(truthPhrases, a.phrases!, 0.03)).toBeGreaterThan(0.97);
    expect(a.sections!.map((s) => s.label)).toEqual(['intro', 'verse', 'chorus', 'break', 'chorus', 'outro']);
    expect(a.sections!.filter((s) => s.label === 'chorus').every((s) => s.bachata === 'majao')).toBe(true);
    expect(a.sections!.find((s) => s.label === 'verse')!.bachata).toBe('derecho');
    // inner boundaries on the parts' boundaries (first and last run to the file's ends)
    for (let i = 1; i < track.parts.length; i++)
      expect(Math.abs(a.sections![i]!.start - track.parts[i]!.start), `section ${i}`).toBeLessThan(0.05);
    const energies = a.sections!.map((s) => s.energy);
    expect(energies[2]!).toBeGreaterThan(energies[1]!);
    expect(energies[3]!).toBeLessThan(0.15);
    expect(a.energy!.values.length).toBeGreaterThan(track.durationS / a.energy!.stepS - 2);
  });

  it('follows a tempo change (120 to 126 bpm) with every beat within 70 ms', async () => {
    const track = drumTrack([
      { bars: 16, bpm: 120, gain: 0.8 },
      { bars: 16, bpm: 126, gain: 0.8 },
    ]);
    const a = await analyseSong(writeDrumTrack(join(tempDir(), 'change.wav'), track));
    expect(a.tempo!).toBeGreaterThan(119);
    expect(a.tempo!).toBeLessThan(127);
    expect(recall(track.beats, a.beats, 0.07)).toBe(1);
  });

  it('marks eight seconds of silence in the middle as a quiet break, with the music around it still found', async () => {
    const track = drumTrack([
      { bars: 8, bpm: 124, gain: 0.8, label: 'a' },
      { bars: 4, bpm: 124, gain: 0, kind: 'silent', label: 'silence' },
      { bars: 8, bpm: 124, gain: 0.8, label: 'b' },
    ]);
    const a = await analyseSong(writeDrumTrack(join(tempDir(), 'gap.wav'), track));
    expect(Math.abs(a.tempo! - 124) / 124).toBeLessThan(0.01);
    expect(recall(track.beats, a.beats, 0.03)).toBeGreaterThan(0.95);
    const gap = track.parts[1]!;
    const quiet = a.sections!.find((s) => s.start <= gap.start + 0.1 && s.end >= gap.end - 0.1);
    expect(quiet, JSON.stringify(a.sections)).toBeDefined();
    expect(quiet!.label).toBe('break');
    expect(quiet!.energy).toBeLessThan(0.1);
  });

  it('counts from the first beat when no beat is accented, and picks the accented phase when one is', () => {
    expect(downbeatPhase(32, () => 1)).toBe(0);
    expect(downbeatPhase(32, (i) => (i % 4 === 3 ? 2 : 1))).toBe(3);
    expect(downbeatPhase(32, (i) => (i % 4 === 1 ? 1.05 : 1))).toBe(0); // within the margin: not an accent
    const curve = energyCurve(new Float32Array(200).fill(0.1), 512 / 22_050);
    expect(curve.stepS).toBeCloseTo((22 * 512) / 22_050, 5); // a whole number of hops: no drift over a song
    expect(curve.values[0]).toBeCloseTo(0.667, 2); // -20 dBFS on a 60 dB scale
  });

  it('keeps a Bachata tempo prior inside 95-165 bpm and still finds the labelled tempo where it lies there', async () => {
    const real = await analyseSong(dataFile('audio', 'bpm-detective', '117bpm.wav'), { style: 'bachata' });
    expect(Math.abs(real.tempo! - 117) / 117).toBeLessThan(0.04);
    expect(real.style).toBe('bachata');
    const drums = await analyseSong(
      writeDrumTrack(join(tempDir(), 'b.wav'), drumTrack([{ bars: 16, bpm: 142, gain: 0.8 }])),
      { style: 'bachata' },
    );
    expect(Math.abs(drums.tempo! - 142) / 142).toBeLessThan(0.01);
    // a 75 bpm groove with eighth-note hats: the generic prior may call it 75 or 150, the Bachata prior must not say 75
    const slow = await analyseSong(
      writeDrumTrack(join(tempDir(), 's.wav'), drumTrack([{ bars: 16, bpm: 75, gain: 0.8 }])),
      { style: 'bachata' },
    );
    expect(slow.tempo!).toBeGreaterThanOrEqual(95);
    expect(slow.tempo!).toBeLessThanOrEqual(165);
  });

  it("codance analyze FILE --json prints tempo, beats, downbeats, phrases, sections and durationS; a bad file exits 1 naming ffmpeg's reason", () => {
    const dir = tempDir();
    const file = writeDrumTrack(join(dir, 'cli.wav'), drumTrack(song.slice(0, 3), { pickupBeats: 2 }));
    const r = runCli(['analyze', file, '--json', '--style', 'bachata']);
    expect(r.code, r.stderr).toBe(0);
    const a = JSON.parse(r.stdout) as Record<string, unknown>;
    for (const key of ['tempo', 'beats', 'downbeats', 'phrases', 'sections', 'durationS'])
      expect(a, key).toHaveProperty(key);
    expect(Math.abs((a.tempo as number) - 128)).toBeLessThan(1.3);
    expect((a.sections as { label: string }[]).map((s) => s.label)).toEqual(['intro', 'verse', 'chorus']);
    const bad = runCli(['analyze', join(dir, 'missing.wav')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/codance analyze: ffmpeg could not decode .*No such file/);
    expect(runCli(['analyze', file, '--style', 'salsa']).code).toBe(2);
  });
});
