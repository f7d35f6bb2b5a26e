/**
 * Offline beats of a whole song from its onset-strength envelope: the global tempo from the
 * envelope's autocorrelation (weighted by a log-Gaussian tempo prior), then beat times by
 * dynamic programming (Ellis 2007, as librosa's beat_track): each frame's best score is its
 * onset strength plus the best predecessor one period back, penalised by how far the gap
 * strays from the period in log terms. That follows small tempo drift and syncopation that a
 * fixed comb would miss. Pure: frames in, seconds out.
 */
import { HOP, frameTimeS } from './onset-strength.js';

export interface BeatGridOptions {
  sampleRate: number;
  minBpm: number;
  maxBpm: number;
  /** Centre of the tempo prior (bpm) and its width in octaves. */
  priorBpm: number;
  priorOctaves: number;
  /** How strongly beats keep the period (librosa's `tightness`). */
  tightness: number;
}

export const defaultBeatGrid: BeatGridOptions = {
  sampleRate: 22_050,
  minBpm: 60,
  maxBpm: 200,
  priorBpm: 120,
  priorOctaves: 0.6,
  tightness: 100,
};

export interface BeatGrid {
  bpm: number;
  /** The levels it could be counted at, the chosen one first (tempoCandidates). */
  candidates: TempoCandidate[];
  /** Beat times in seconds from the start of the audio. */
  beats: number[];
}

/** A metrical level the envelope could be counted at. */
export interface TempoCandidate {
  /** Frames per beat (fractional). */
  lag: number;
  bpm: number;
  /** How it relates to the best-repeating level under the prior: 1, 2 (double time), 0.5, 1.5, 2/3. */
  ratio: number;
  /** The envelope's repetition at this level under the prior (comparable between candidates). */
  score: number;
}

/**
 * The levels the envelope could be counted at: first the one it repeats at most under the
 * tempo prior (the tempo reported), then its double, half, 3:2 and 2:3 within range, by how
 * much the envelope repeats at each under the same prior. The runners-up are what a listener
 * may count instead: the analysis offers the best octave of them, with a confidence.
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
    out.push({ lag, bpm, ratio, score: Math.max(0, at(lag)) * prior(bpm) });
  }
  // The chosen level first; the others by their evidence.
  return [out[0]!, ...out.slice(1).sort((a, b) => b.score - a.score)];
}

/** The tempo (in frames per beat, fractional) the envelope is best counted at. */
export function tempoLag(env: ArrayLike<number>, o: BeatGridOptions): number | undefined {
  return tempoCandidates(env, o)[0]?.lag;
}

/**
 * Beats at the level heard (`ratio` 1), or at its double (2) or half (0.5) when a listener
 * counts it so; undefined when there is no steady beat, or that octave is out of range.
 */
export function beatGrid(
  envelope: ArrayLike<number>,
  o: BeatGridOptions = defaultBeatGrid,
  ratio = 1,
): BeatGrid | undefined {
  const heard = tempoCandidates(envelope, o);
  const chosen = heard.find((c) => c.ratio === ratio);
  if (!chosen) return undefined;
  const candidates = [chosen, ...heard.filter((c) => c !== chosen)];
  const lag = chosen.lag;
  const n = envelope.length;
  // Normalise so the tightness penalty means the same for loud and quiet songs.
  let sq = 0;
  for (let i = 0; i < n; i++) sq += envelope[i]! ** 2;
  const sd = Math.sqrt(sq / n) || 1;
  const env = Float64Array.from({ length: n }, (_, i) => envelope[i]! / sd);

  const score = new Float64Array(n);
  const back = new Int32Array(n).fill(-1);
  const lo = Math.max(1, Math.round(lag / 2));
  const hi = Math.round(lag * 2);
  for (let t = 0; t < n; t++) {
    let best = 0;
    let from = -1;
    for (let d = lo; d <= hi && t - d >= 0; d++) {
      const s = score[t - d]! - o.tightness * Math.log(d / lag) ** 2;
      if (from < 0 || s > best) {
        best = s;
        from = t - d;
      }
    }
    score[t] = env[t]! + (from >= 0 ? Math.max(0, best) : 0);
    back[t] = from >= 0 && best > 0 ? from : -1;
  }
  // The last beat: the best-scoring frame in the final period; then follow the links back.
  let last = n - 1;
  for (let t = Math.max(0, n - Math.ceil(lag)); t < n; t++) if (score[t]! > score[last]!) last = t;
  const frames: number[] = [];
  for (let t = last; t >= 0; t = back[t]!) frames.push(t);
  frames.reverse();
  // Silence before the music and after it ends is not beats: trim weak beats at both ends.
  const strong = 0.5 * mean(frames.map((f) => localMax(env, f)));
  while (frames.length > 0 && localMax(env, frames[0]!) < strong) frames.shift();
  while (frames.length > 0 && localMax(env, frames[frames.length - 1]!) < strong) frames.pop();
  const fr = o.sampleRate / HOP;
  // Sub-frame times: the vertex of the parabola through the onset peak and its neighbours.
  const refined = frames.map((f) => {
    const [a, b, c] = [env[f - 1] ?? 0, env[f]!, env[f + 1] ?? 0];
    const denom = a - 2 * b + c;
    const shift = denom < 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (a - c)) / denom)) : 0;
    return frameTimeS(f + shift, o.sampleRate);
  });
  return { bpm: (60 * fr) / lag, candidates, beats: refined };
}

/** Gaussian smoothing with standard deviation `sigma` frames. */
function smooth(x: ArrayLike<number>, sigma: number): Float64Array {
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

const mean = (xs: number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
/** A beat's onset strength, tolerating the frame either side. */
const localMax = (env: Float64Array, f: number): number => Math.max(env[f - 1] ?? 0, env[f]!, env[f + 1] ?? 0);
