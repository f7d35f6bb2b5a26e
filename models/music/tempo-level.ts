/**
 * The level model: which of the candidate levels (tempo-candidates.ts) a listener counts,
 * from evidence about each, not from a prior alone:
 *
 * - how much the onset envelope repeats one, two and four beats later (the beat, the half bar
 *   and the bar: a level whose bars repeat is a level the music is built on);
 * - how strong the onsets on that level's beat grid are against the song's average (the grid's
 *   fit, after beat tracking at that level);
 * - where its tempo lies (the generic log-Gaussian prior, and a learned curve in log tempo);
 * - whether it is the level the autocorrelation alone prefers.
 *
 * A candidate's log-evidence is the weighted sum of these; the weights are fitted by
 * `npm run train` (train-tempo-level.ts) and written to tempo-level-weights.ts.
 */
import { localMax, trackBeats, type BeatGridOptions, type LevelChooser } from './beat-grid.js';
import type { TempoCandidate } from './tempo-candidates.js';
import { TEMPO_LEVEL_WEIGHTS } from './tempo-level-weights.js';

export const LEVEL_FEATURES = [
  'repeat_beat',
  'repeat_half_bar',
  'repeat_bar',
  'log_prior',
  'grid_strength',
  'log2_tempo',
  'log2_tempo_squared',
  'autocorrelation_pick',
] as const;

/** The envelope's autocorrelation at `lag` (rounded), relative to its energy. */
function repeatAt(x: Float64Array, energy: number, lag: number): number {
  const l = Math.round(lag);
  const n = x.length;
  if (l >= n - 1 || energy <= 0) return 0;
  let s = 0;
  for (let i = l; i < n; i++) s += x[i]! * x[i - l]!;
  return s / (n - l) / energy;
}

export function levelFeatures(
  env: Float64Array,
  candidates: readonly TempoCandidate[],
  o: BeatGridOptions,
): number[][] {
  const n = env.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += env[i]! / n;
  const x = env.map((v) => v - mean);
  let energy = 0;
  for (let i = 0; i < n; i++) energy += x[i]! ** 2 / n;
  return candidates.map((c) => {
    const beats = trackBeats(env, c.lag, o);
    const onBeat = beats.length > 0 ? beats.reduce((a, f) => a + localMax(env, f), 0) / beats.length : 0;
    const log2Tempo = Math.log2(c.bpm / 120);
    return [
      repeatAt(x, energy, c.lag),
      repeatAt(x, energy, 2 * c.lag),
      repeatAt(x, energy, 4 * c.lag),
      -0.5 * (log2Tempo / 0.6) ** 2,
      onBeat / (mean || 1),
      log2Tempo,
      log2Tempo ** 2,
      c.ratio === 1 ? 1 : 0,
    ];
  });
}

export function levelEvidence(features: readonly number[][], weights: readonly number[]): number[] {
  return features.map((f) => f.reduce((a, v, i) => a + v * weights[i]!, 0));
}

/** The level model as the beat grid's chooser (with the committed weights unless given others). */
export function levelModel(weights: readonly number[] = TEMPO_LEVEL_WEIGHTS): LevelChooser {
  return (env, candidates, o) => levelEvidence(levelFeatures(env, candidates, o), weights);
}
