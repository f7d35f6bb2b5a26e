/** `codance choreo generate SONG`: analysis, blueprint and (with --out) the practice video, with a progress bar on a terminal. */
import { resolve } from 'node:path';
import { SingleBar } from 'cli-progress';
import { loadMoveLibrary } from '../../config/moves.js';
import type { SongStyle } from '../../models/music/song-analysis.js';
import { generateChoreography, type GenerateResult } from '../choreography/generate.js';

export async function choreoGenerate(
  song: string,
  o: { describe: string; seed: number; style: SongStyle; out?: string; cacheDir: string },
): Promise<GenerateResult> {
  const bar = process.stderr.isTTY
    ? new SingleBar({ format: '{stage} [{bar}] {percentage}%', stream: process.stderr })
    : undefined;
  bar?.start(100, 0, { stage: 'analysing'.padEnd(9) });
  try {
    return await generateChoreography(
      {
        songFile: resolve(song),
        style: o.style,
        query: o.describe,
        seed: o.seed,
        moves: loadMoveLibrary(),
        ...(o.out ? { video: { out: resolve(o.out), cacheDir: o.cacheDir } } : {}),
      },
      { progress: (stage, overall) => bar?.update(Math.round(overall * 100), { stage: stage.padEnd(9) }) },
    );
  } finally {
    bar?.stop();
  }
}

export function renderGenerated(r: GenerateResult): string {
  const b = r.blueprint;
  return [
    `${r.analysis.tempo} bpm, ${b.steps.length} moves over ${b.totalCounts} counts (${b.startS.toFixed(1)}–${b.endS.toFixed(1)} s), objective ${b.objective}`,
    ...b.steps.map(
      (s) =>
        `  ${s.startS.toFixed(1).padStart(6)} s  ${String(s.startCount % 8 === 0 ? 1 : 5)}  ${s.name.padEnd(26)} ${s.section.padEnd(7)} ${s.from} → ${s.to}`,
    ),
    ...(r.video
      ? [
          `video: ${r.video.file} (${r.video.durationS.toFixed(1)} s; ${r.video.clipsRendered} clips rendered, ${r.video.clipsCached} from the cache)`,
        ]
      : []),
    ...b.notes.map((n) => `note: ${n}`),
  ].join('\n');
}
