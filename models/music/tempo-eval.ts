/**
 * Tempo figures on the generated validation set (models/music/synth-songs.ts): per genre, how
 * often the analysis finds the labelled beat within 4 % (Acc1) and within 4 % of it or of
 * ×2, ×½, ×3, ×⅓ (Acc2, a right tempo at another metrical level).
 */
import { SongAnalyser, type SongStyle } from './song-analysis.js';
import { genreNames, synthSong, type Genre } from './synth-songs.js';

export interface TempoCase {
  genre: string;
  bpm: number;
  found: number | null;
  /** The octave the analysis offers instead (half or double time). */
  alternative: number | null;
  confidence: number;
}

export const acc1 = (truth: number, found: number | null): boolean =>
  found !== null && Math.abs(found - truth) / truth <= 0.04;
export const acc2 = (truth: number, found: number | null): boolean =>
  [1, 2, 0.5, 3, 1 / 3].some((k) => acc1(truth * k, found));

export interface GenreFigures {
  n: number;
  /** Songs whose reported tempo is right (within 4 %). */
  acc1: number;
  /** Right at some metrical level (×1, ×2, ×½, ×3, ×⅓). */
  acc2: number;
  /** Right as reported or as the octave offered ("half/double time": one tap). */
  oneTap: number;
}

export interface TempoFigures {
  cases: TempoCase[];
  byGenre: Record<string, GenreFigures>;
  acc1: number;
  acc2: number;
  oneTap: number;
  /** Mean confidence where the reported level is right, and where only the offered octave is. */
  confidenceRight: number | null;
  confidenceOctaveWrong: number | null;
}

const oneTap = (c: TempoCase): boolean => acc1(c.bpm, c.found) || acc1(c.bpm, c.alternative);
const meanOf = (xs: number[]): number | null =>
  xs.length === 0 ? null : Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 1000) / 1000;

export function figures(cases: TempoCase[]): TempoFigures {
  const byGenre: TempoFigures['byGenre'] = {};
  for (const c of cases) {
    const g = (byGenre[c.genre] ??= { n: 0, acc1: 0, acc2: 0, oneTap: 0 });
    g.n++;
    if (acc1(c.bpm, c.found)) g.acc1++;
    if (acc2(c.bpm, c.found)) g.acc2++;
    if (oneTap(c)) g.oneTap++;
  }
  const n = cases.length || 1;
  const share = (f: (c: TempoCase) => boolean) => Math.round((cases.filter(f).length / n) * 1000) / 1000;
  return {
    cases,
    byGenre,
    acc1: share((c) => acc1(c.bpm, c.found)),
    acc2: share((c) => acc2(c.bpm, c.found)),
    oneTap: share(oneTap),
    confidenceRight: meanOf(cases.filter((c) => acc1(c.bpm, c.found)).map((c) => c.confidence)),
    confidenceOctaveWrong: meanOf(
      cases.filter((c) => !acc1(c.bpm, c.found) && acc1(c.bpm, c.alternative)).map((c) => c.confidence),
    ),
  };
}

/** Generates `perGenre` songs of each genre (seeds `seed0`…) and analyses them as the box would. */
export function evaluateSynthetic(
  perGenre: number,
  seed0: number,
  seconds = 30,
  style: SongStyle = 'any',
  only?: Genre[],
  levelWeights?: readonly number[],
): TempoFigures {
  const cases: TempoCase[] = [];
  for (const genre of only ?? genreNames)
    for (let k = 0; k < perGenre; k++) {
      const song = synthSong(genre, seed0 + k, seconds);
      const a = new SongAnalyser({ style, sampleRate: song.sampleRate, ...(levelWeights && { levelWeights }) });
      for (let i = 0; i < song.pcm.length; i += 8192) a.push(song.pcm.subarray(i, i + 8192));
      const r = a.finish(song.pcm.length, song.sampleRate);
      cases.push({
        genre,
        bpm: song.bpm,
        found: r.tempo,
        alternative: r.alternativeTempo?.bpm ?? null,
        confidence: r.tempoConfidence ?? 1,
      });
    }
  return figures(cases);
}
