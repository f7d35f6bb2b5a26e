/**
 * `codance model eval tempo`: the tempo figures of the generated validation set
 * (models/music/tempo-eval.ts), and of a folder of real clips labelled by file name
 * (`117bpm.wav`, as shared/data/audio/bpm-detective), analysed exactly as `codance analyze` does.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyseSong } from '../../drivers/media/analyse-song.js';
import type { SongStyle } from '../../models/music/song-analysis.js';
import { evaluateSynthetic, figures, type TempoCase, type TempoFigures } from '../../models/music/tempo-eval.js';

export interface TempoEvalOptions {
  perGenre: number;
  seed: number;
  seconds: number;
  style: SongStyle;
  /** A folder of clips named by their tempo. */
  data?: string;
}

/** Clips shorter than this hold too few beats to count (the 2.7 s bpm-detective excerpt). */
const MIN_CLIP_S = 5;

export async function evaluateTempo(o: TempoEvalOptions): Promise<{
  synthetic: Omit<TempoFigures, 'cases'>;
  clips?: TempoFigures;
  skipped?: string[];
}> {
  const { cases: _, ...synthetic } = evaluateSynthetic(o.perGenre, o.seed, o.seconds, o.style);
  if (!o.data) return { synthetic };
  const cases: TempoCase[] = [];
  const skipped: string[] = [];
  for (const name of readdirSync(o.data).sort()) {
    const m = /^(\d+(?:\.\d+)?)bpm\.(wav|mp3|flac|ogg)$/i.exec(name);
    if (!m) continue;
    const a = await analyseSong(join(o.data, name), { style: o.style });
    if (a.durationS < MIN_CLIP_S) {
      skipped.push(`${name} (${a.durationS} s)`);
      continue;
    }
    cases.push({
      genre: name,
      bpm: Number(m[1]),
      found: a.tempo,
      alternative: a.alternativeTempo?.bpm ?? null,
      confidence: a.tempoConfidence ?? 1,
    });
  }
  return { synthetic, clips: figures(cases), skipped };
}
