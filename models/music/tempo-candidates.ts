/**
 * The metrical levels a song's onset envelope could be counted at: the level it repeats at
 * most under the tempo prior, and its double, half, 3:2 and 2:3 within range. Which of them is
 * the count is decided by the level model (tempo-level.ts) or, under a style prior, by the
 * prior's evidence alone.
 */
import { HOP } from './onset-strength.js';
import type { BeatGridOptions } from './beat-grid.js';

/** A metrical level the envelope could be counted at. */
export interface TempoCandidate {
  /** Frames per beat (fractional). */
  lag: number;
  bpm: number;
  /** How it relates to the best-repeating level under the prior: 1, 2 (double time), 0.5, 1.5, 2/3. */
  ratio: number;
  /** The envelope's repetition at this level under the prior (comparable between candidates). */
  score: number;
  /** The log-evidence the level was chosen by (its softmax against another is the confidence). */
  evidence: number;
}

/**
 * The levels the envelope could be counted at: first the one it repeats at most under the
 * tempo prior, then its double, half, 3:2 and 2:3 within range, by how much the envelope
 * repeats at each under the same prior. Which is counted is the chooser's call (beatGrid); the
 * analysis offers the best octave of the others, with a confidence.
 */
export function tempoCandidates(env: ArrayLike<number>, o: BeatGridOptions): TempoCandidate[] {
  const n = env.length;
  const fr = o.sampleRate / HOP;
  const minLag = Math.max(1, Math.floor((60 / o.maxBpm) * fr));
  const maxLag = Math.ceil((60 / o.minBpm) * fr);
  if (n < maxLag * 2) return [];
  // Smoothed first: a beat period is rarely a whole number of frames, and sharp onsets that
  // alternate between neighbouring frames would otherwise favour twice the period.
  const x = smooth(env, 1.5);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i]!;
  mean /= n;
  const top = Math.min(n - 1, maxLag * 2 + 2);
  const ac = new Float64Array(top + 1);
  for (let lag = 0; lag <= top; lag++) {
    let acc = 0;
    for (let i = lag; i < n; i++) acc += (x[i]! - mean) * (x[i - lag]! - mean);
    ac[lag] = acc / (n - lag);
  }
  const prior = (bpm: number) => Math.exp(-0.5 * (Math.log2(bpm / o.priorBpm) / o.priorOctaves) ** 2);
  let best = -1;
  let bestScore = -Infinity;
  for (let lag = minLag; lag <= maxLag; lag++) {
    const s = ac[lag]! * prior((60 * fr) / lag);
    if (s > bestScore) {
      bestScore = s;
      best = lag;
    }
  }
  if (best <= 0 || !(bestScore > 0)) return [];
  const peak = (l: number): number => {
    const [a, b, c] = [ac[l - 1] ?? 0, ac[l]!, ac[l + 1] ?? 0];
    const denom = a - 2 * b + c;
    return denom < 0 ? l + (0.5 * (a - c)) / denom : l;
  };
  // The repetition at a lag: the autocorrelation's best within a frame of it.
  const at = (lag: number): number => {
    let m = -Infinity;
    for (let l = Math.floor(lag) - 1; l <= Math.ceil(lag) + 1; l++) if (l > 0 && l <= top) m = Math.max(m, ac[l]!);
    return m;
  };
  const out: TempoCandidate[] = [];
  for (const ratio of [1, 2, 0.5, 1.5, 2 / 3]) {
    const lag = ratio === 1 ? peak(best) : best / ratio;
    const bpm = (60 * fr) / lag;
    if (lag < minLag - 0.5 || lag > maxLag + 0.5) continue;
    const score = Math.max(0, at(lag)) * prior(bpm);
    out.push({ lag, bpm, ratio, score, evidence: Math.log(Math.max(score, 1e-12)) });
  }
  // The chosen level first; the others by their evidence.
  return [out[0]!, ...out.slice(1).sort((a, b) => b.score - a.score)];
}

/** Gaussian smoothing with standard deviation `sigma` frames. */
export function smooth(x: ArrayLike<number>, sigma: number): Float64Array {
  const r = Math.ceil(sigma * 3);
  const k = Array.from({ length: 2 * r + 1 }, (_, i) => Math.exp(-0.5 * ((i - r) / sigma) ** 2));
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    let acc = 0;
    let w = 0;
    for (let j = -r; j <= r; j++) {
      const v = x[i + j];
      if (v === undefined) continue;
      acc += v * k[j + r]!;
      w += k[j + r]!;
    }
    out[i] = acc / w;
  }
  return out;
}
