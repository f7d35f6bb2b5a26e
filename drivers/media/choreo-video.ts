/**
 * The practice video of a blueprint, with ffmpeg: one clip per move fitted to its place on the
 * song (a filmed clip stretched to the beat, or a generated placeholder card), each with the
 * move's name and the live count (1-8) burnt in; the clips joined by the concat demuxer without
 * re-encoding; the song from the routine's first "1" as the audio track.
 *
 * Clips are cached by move, length in frames, count offset and source, so a second video of the
 * same song (or any song at that tempo) re-encodes nothing. Frame counts come from the
 * cumulative times (round(end·fps) − round(start·fps)), so joining never drifts from the music.
 */
import type { VideoStep } from '../../models/choreography/blueprint.js';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cannotRun, complaint } from './ffmpeg.js';

export const VIDEO_FPS = 25;
const FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';

export interface VideoJob {
  steps: VideoStep[];
  song: string;
  out: string;
  cacheDir: string;
  ffmpegPath?: string;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export type { VideoStep };

export interface VideoResult {
  file: string;
  durationS: number;
  clipsRendered: number;
  clipsCached: number;
}

function ffmpeg(args: string[], o: { ffmpegPath?: string; signal?: AbortSignal }): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(o.ffmpegPath ?? 'ffmpeg', ['-hide_banner', '-v', 'error', '-y', ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
      ...(o.signal ? { signal: o.signal } : {}),
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    child.once('error', (err) => reject(err.name === 'AbortError' ? err : new Error(cannotRun('ffmpeg', err))));
    child.once('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`ffmpeg failed: ${complaint(stderr) || `exit ${code ?? 'signal'}`}`)),
    );
  });
}

/** A filmed clip's length, from ffprobe. */
function clipSeconds(file: string, o: { ffmpegPath?: string }): Promise<number> {
  const probe = (o.ffmpegPath ?? 'ffmpeg').replace(/ffmpeg$/, 'ffprobe');
  return new Promise((resolve, reject) => {
    const child = spawn(probe, ['-v', 'error', '-show_entries', 'format=duration', '-of', 'default=nw=1:nk=1', file], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', (err) => reject(new Error(cannotRun('ffprobe', err))));
    child.once('close', () => {
      const d = Number(out.trim());
      if (Number.isFinite(d) && d > 0) resolve(d);
      else reject(new Error(`the clip ${file} has no readable duration`));
    });
  });
}

/** A path as a filter option value: quoted, so ':' ',' and spaces are plain; a quote cannot be. */
function filterPath(path: string): string {
  if (path.includes("'")) throw new Error(`the clip cache path may not contain a quote: ${path}`);
  return `'${path}'`;
}

async function clipFor(
  step: VideoStep,
  frames: number,
  cacheDir: string,
  o: { ffmpegPath?: string; signal?: AbortSignal },
): Promise<{ file: string; cached: boolean }> {
  const seconds = frames / VIDEO_FPS;
  const beatsPerS = step.counts / seconds;
  const offset = step.startCount % 8;
  const key = createHash('sha256')
    .update(JSON.stringify([step.moveId, step.name, frames, offset, step.counts, step.clip ?? null, 1]))
    .digest('hex')
    .slice(0, 24);
  const file = join(cacheDir, `${step.moveId}-${key}.mp4`);
  if (existsSync(file)) return { file, cached: true };
  // The name goes through a text file: no quoting rule of the filter syntax can trip over it.
  const nameFile = `${file}.name.txt`;
  writeFileSync(nameFile, step.name);
  const overlay = [
    `drawtext=fontfile=${FONT}:textfile=${filterPath(nameFile)}:x=(w-tw)/2:y=32:fontsize=34:fontcolor=white`,
    `drawtext=fontfile=${FONT}:text='%{eif\\:mod(floor(t*${beatsPerS.toFixed(6)})+${offset}\\,8)+1\\:d}':x=(w-tw)/2:y=(h-th)/2+20:fontsize=140:fontcolor=yellow`,
  ].join(',');
  const input = step.clip
    ? ['-i', step.clip]
    : ['-f', 'lavfi', '-i', `color=c=0x1d2540:s=640x360:r=${VIDEO_FPS}:d=${(seconds + 1).toFixed(3)}`];
  const tmp = `${file}.${process.pid}.tmp.mp4`;
  // A filmed clip is stretched (or squeezed) so its length is the move's length at this tempo.
  const filter = step.clip
    ? `setpts=PTS*${(seconds / (await clipSeconds(step.clip, o))).toFixed(6)},scale=640:360:force_original_aspect_ratio=decrease,pad=640:360:(ow-iw)/2:(oh-ih)/2,fps=${VIDEO_FPS},${overlay}`
    : overlay;
  await ffmpeg(
    [
      ...input,
      '-an',
      '-vf',
      filter,
      '-frames:v',
      String(frames),
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-crf',
      '30',
      '-pix_fmt',
      'yuv420p',
      '-g',
      String(VIDEO_FPS),
      '-r',
      String(VIDEO_FPS),
      tmp,
    ],
    o,
  );
  renameSync(tmp, file); // whole files only in the cache, even if the process dies mid-encode
  return { file, cached: false };
}

export async function renderChoreoVideo(job: VideoJob): Promise<VideoResult> {
  if (job.steps.length === 0) throw new Error('the blueprint has no moves to film');
  mkdirSync(job.cacheDir, { recursive: true });
  const origin = job.steps[0]!.startS;
  const clips: string[] = [];
  let rendered = 0;
  let cached = 0;
  for (const [i, step] of job.steps.entries()) {
    job.signal?.throwIfAborted();
    const frames = Math.round((step.endS - origin) * VIDEO_FPS) - Math.round((step.startS - origin) * VIDEO_FPS);
    const c = await clipFor(step, Math.max(1, frames), job.cacheDir, job);
    clips.push(c.file);
    if (c.cached) cached++;
    else rendered++;
    job.onProgress?.(i + 1, job.steps.length + 1);
  }
  const list = `${job.out}.concat.txt`;
  writeFileSync(list, clips.map((f) => `file '${f.replace(/'/g, "'\\''")}'`).join('\n') + '\n');
  const durationS = Math.round((job.steps[job.steps.length - 1]!.endS - origin) * VIDEO_FPS) / VIDEO_FPS;
  // Video copied as encoded; the song from the first "1", cut to the routine's length.
  await ffmpeg(
    [
      '-f',
      'concat',
      '-safe',
      '0',
      '-i',
      list,
      '-ss',
      origin.toFixed(3),
      '-t',
      durationS.toFixed(3),
      '-i',
      job.song,
      '-map',
      '0:v',
      '-map',
      '1:a',
      '-c:v',
      'copy',
      '-c:a',
      'aac',
      '-b:a',
      '128k',
      '-movflags',
      '+faststart',
      '-t',
      durationS.toFixed(3),
      job.out,
    ],
    job,
  );
  job.onProgress?.(job.steps.length + 1, job.steps.length + 1);
  return { file: job.out, durationS, clipsRendered: rendered, clipsCached: cached };
}
