/** `codance analyze FILE --json`: a song's tempo, beats, downbeats, phrases, sections and loudness. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { SingleBar } from 'cli-progress';
import { analyseSong } from '../../drivers/media/analyse-song.js';
import type { SongAnalysis, SongStyle } from '../../models/music/song-analysis.js';

const run = promisify(execFile);

/** The file's duration from ffprobe, for the progress bar (undefined if ffprobe cannot say). */
async function durationOf(file: string): Promise<number | undefined> {
  try {
    const { stdout } = await run(
      'ffprobe',
      ['-v', 'error', '-show_entries', 'format=duration', '-of', 'default=nw=1:nk=1', file],
      { timeout: 10_000 },
    );
    const d = Number(stdout.trim());
    return Number.isFinite(d) && d > 0 ? d : undefined;
  } catch {
    return undefined;
  }
}

export async function analyzeCommand(file: string, style: SongStyle): Promise<SongAnalysis> {
  const bar = process.stderr.isTTY
    ? new SingleBar({ format: 'analysing [{bar}] {percentage}% | {value}/{total} s of audio', stream: process.stderr })
    : undefined;
  const total = bar ? await durationOf(file) : undefined;
  if (bar && total) bar.start(Math.round(total), 0);
  try {
    return await analyseSong(file, {
      style,
      ...(bar && total ? { onProgress: (s: number) => bar.update(Math.min(Math.round(total), Math.round(s))) } : {}),
    });
  } finally {
    bar?.stop();
  }
}

/** The human summary when --json is not given. */
export function renderAnalysis(file: string, a: SongAnalysis): string {
  const lines = [
    `${file}: ${a.durationS.toFixed(1)} s, ${a.tempo === null ? 'no steady beat' : `${a.tempo} bpm`} (${a.style ?? 'any'} prior)${
      a.alternativeTempo
        ? `; or ${a.alternativeTempo.relation} time, ${a.alternativeTempo.bpm} bpm (confidence in ${a.tempo} bpm: ${Math.round((a.tempoConfidence ?? 1) * 100)} %)`
        : ''
    }`,
    `beats ${a.beats.length}, bars ${a.downbeats?.length ?? 0}, 8-count phrases ${a.phrases?.length ?? 0}`,
    ...(a.sections ?? []).map(
      (s) =>
        `  ${s.start.toFixed(1).padStart(6)}–${s.end.toFixed(1).padEnd(6)} ${s.label.padEnd(7)}${s.bachata ? ` (${s.bachata})` : ''}  energy ${s.energy.toFixed(2)}`,
    ),
  ];
  return lines.join('\n');
}
