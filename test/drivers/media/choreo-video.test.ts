/**
 * The practice video's pieces with real ffmpeg: a filmed clip stretched to its move's length
 * at the song's tempo next to a generated placeholder, the join exact to the frame, the song
 * as audio, and the cache reused.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderChoreoVideo, VIDEO_FPS } from '../../../drivers/media/choreo-video.js';
import { tempDir } from '../../helpers/daemon-process.js';
import { drumTrack, writeDrumTrack } from '../../helpers/drum-track.js';

const probe = (file: string) =>
  JSON.parse(
    execFileSync('ffprobe', [
      '-v',
      'error',
      '-count_frames',
      '-show_entries',
      'stream=codec_type,nb_read_frames,duration',
      '-of',
      'json',
      file,
    ]).toString(),
  ) as { streams: { codec_type: string; nb_read_frames?: string; duration: string }[] };

describe('practice video', () => {
  it('stretches a filmed clip to its move, cards the rest, and joins them to the frame with the song', async () => {
    const dir = tempDir('codance-video-');
    // a "filmed" clip: 3 s of ffmpeg's test pattern
    const filmed = join(dir, 'filmed.mp4');
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc=s=320x240:r=30:d=3',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p',
      filmed,
    ]);
    const song = writeDrumTrack(join(dir, 'song.wav'), drumTrack([{ bars: 8, bpm: 120, gain: 0.8 }]));
    const beat = 0.5;
    const steps = [
      { moveId: 'basic-side', name: 'Side basic', counts: 8, startCount: 0, startS: 0.5, endS: 0.5 + 8 * beat },
      {
        moveId: 'right-turn-follower',
        name: "Follower's turn: 1, 2",
        counts: 8,
        startCount: 8,
        startS: 4.5,
        endS: 4.5 + 8 * beat,
        clip: filmed,
      },
      { moveId: 'simple-dip', name: 'Simple dip', counts: 4, startCount: 16, startS: 8.5, endS: 8.5 + 4 * beat },
    ];
    const cacheDir = join(dir, 'cache');
    const out = join(dir, 'out.mp4');
    const r = await renderChoreoVideo({ steps, song, out, cacheDir });
    expect(r).toMatchObject({ durationS: 10, clipsRendered: 3, clipsCached: 0 });
    const p = probe(out);
    const video = p.streams.find((s) => s.codec_type === 'video')!;
    expect(Number(video.nb_read_frames)).toBe(10 * VIDEO_FPS); // 4 s + 4 s (the 3 s film stretched) + 2 s, to the frame
    expect(Math.abs(Number(p.streams.find((s) => s.codec_type === 'audio')!.duration) - 10)).toBeLessThan(0.05);
    // the filmed clip's cached piece is exactly its 4 s
    const piece = readdirSync(cacheDir).find((f) => f.startsWith('right-turn-follower-'))!;
    expect(Number(probe(join(cacheDir, piece)).streams[0]!.nb_read_frames)).toBe(4 * VIDEO_FPS);
    const again = await renderChoreoVideo({ steps, song, out: join(dir, 'again.mp4'), cacheDir });
    expect(again).toMatchObject({ clipsRendered: 0, clipsCached: 3 });
  }, 60_000);

  it('stops at once when aborted, leaving no half-written clip in the cache', async () => {
    const dir = tempDir('codance-video-');
    const song = writeDrumTrack(join(dir, 'song.wav'), drumTrack([{ bars: 4, bpm: 120, gain: 0.8 }]));
    const abort = new AbortController();
    abort.abort();
    await expect(
      renderChoreoVideo({
        steps: [{ moveId: 'basic-side', name: 'Side basic', counts: 8, startCount: 0, startS: 0.5, endS: 4.5 }],
        song,
        out: join(dir, 'o.mp4'),
        cacheDir: join(dir, 'cache'),
        signal: abort.signal,
      }),
    ).rejects.toThrow();
    expect(readdirSync(join(dir, 'cache')).filter((f) => f.endsWith('.mp4'))).toEqual([]);
  });
});
