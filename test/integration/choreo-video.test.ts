/**
 * End to end on the built CLI: a 3-minute song (a generated Bachata-tempo drum track with
 * sections) becomes an analysed blueprint and a playable MP4 with the song's audio; ffprobe
 * checks the video's streams and duration, and a second run takes every clip from the cache.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { GenerateResult } from '../../daemon/choreography/generate.js';
import { tempDir } from '../helpers/daemon-process.js';
import { drumTrack, writeDrumTrack } from '../helpers/drum-track.js';
import { runCli } from '../helpers/run-cli.js';

interface Probe {
  streams: { codec_type: string; codec_name: string; width?: number; height?: number; duration: string }[];
  format: { duration: string };
}

describe('codance choreo generate', () => {
  it('turns a 3-minute song into a blueprint and an MP4 with the song as audio; the second time from the clip cache', () => {
    const dir = tempDir('codance-choreo-');
    const bars = (n: number, gain: number, label: string, kind?: 'hats') => ({
      bars: n,
      bpm: 128,
      gain,
      label,
      ...(kind && { kind }),
    });
    const track = drumTrack(
      [
        bars(8, 0.15, 'intro'),
        bars(24, 0.4, 'verse'),
        bars(24, 1, 'chorus'),
        bars(4, 0.1, 'break', 'hats'),
        bars(28, 1, 'chorus'),
        bars(8, 0.15, 'outro'),
      ],
      { pickupBeats: 2 },
    );
    expect(track.durationS).toBeGreaterThan(180);
    const song = writeDrumTrack(join(dir, 'song.wav'), track);
    const config = join(dir, 'box.yaml');
    writeFileSync(config, `store: { path: ${join(dir, 'codance.db')} }\n`);
    const out = join(dir, 'routine.mp4');
    const run = () =>
      runCli([
        'choreo',
        'generate',
        song,
        '--describe',
        'romantic beginner routine, slow and smooth',
        '--seed',
        '5',
        '--out',
        out,
        '--json',
        '-c',
        config,
      ]);
    const first = run();
    expect(first.code, first.stderr).toBe(0);
    const r = JSON.parse(first.stdout) as GenerateResult;
    expect(Math.abs(r.analysis.tempo! - 128)).toBeLessThan(1.3);
    expect(r.analysis.sections!.map((s) => s.label)).toEqual(['intro', 'verse', 'chorus', 'break', 'chorus', 'outro']);
    expect(r.blueprint.steps.length).toBeGreaterThan(20);
    const routineS = r.blueprint.endS - r.blueprint.startS;
    expect(routineS).toBeGreaterThan(170);

    const probe = JSON.parse(
      execFileSync('ffprobe', [
        '-v',
        'error',
        '-show_entries',
        'stream=codec_type,codec_name,width,height,duration:format=duration',
        '-of',
        'json',
        out,
      ]).toString(),
    ) as Probe;
    const video = probe.streams.find((s) => s.codec_type === 'video')!;
    const audio = probe.streams.find((s) => s.codec_type === 'audio')!;
    expect(video).toMatchObject({ codec_name: 'h264', width: 640, height: 360 });
    expect(audio.codec_name).toBe('aac');
    expect(Math.abs(Number(video.duration) - routineS)).toBeLessThan(0.1);
    expect(Math.abs(Number(audio.duration) - routineS)).toBeLessThan(0.1);
    expect(Math.abs(Number(probe.format.duration) - routineS)).toBeLessThan(0.1);
    // the audio is the song's, in time: loud in a chorus, near silent in the break
    const meanDb = (songS: number): number => {
      const r2 = spawnSync(
        'ffmpeg',
        [
          '-v',
          'info',
          '-ss',
          (songS - r.blueprint.startS).toFixed(3),
          '-t',
          '2',
          '-i',
          out,
          '-vn',
          '-af',
          'volumedetect',
          '-f',
          'null',
          '-',
        ],
        { encoding: 'utf8' },
      );
      return Number(/mean_volume: (-?[\d.]+) dB/.exec(r2.stderr)?.[1]);
    };
    const breakPart = track.parts[3]!;
    const chorus = track.parts[4]!;
    expect(meanDb(chorus.start + 5)).toBeGreaterThan(meanDb(breakPart.start + 2.5) + 15);
    expect(r.video!.clipsRendered).toBeGreaterThan(0);

    const second = run();
    expect(second.code, second.stderr).toBe(0);
    const again = JSON.parse(second.stdout) as GenerateResult;
    expect(again.video!.clipsRendered).toBe(0);
    expect(again.video!.clipsCached).toBe(again.blueprint.steps.length);
    expect(again.blueprint).toEqual(r.blueprint);
  }, 120_000);
});
