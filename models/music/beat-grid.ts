/**
 * Offline beats of a whole song from its onset-strength envelope: the global tempo from the
 * envelope's autocorrelation (the candidate levels, tempo-candidates.ts, one of them chosen by
 * the level model or the prior), then beat times by
 * dynamic programming (Ellis 2007, as librosa's beat_track): each frame's best score is its
 * onset strength plus the best predecessor one period back, penalised by how far the gap
 * strays from the period in log terms. That follows small tempo drift and syncopation that a
 * fixed comb would miss. Pure: frames in, seconds out.
 */
import { HOP, frameTimeS } from './onset-strength.js';
import { tempoCandidates, type TempoCandidate } from './tempo-candidates.js';

export type { TempoCandidate } from './tempo-candidates.js';

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

/**
 * Chooses the level to count among the candidates: one log-evidence per candidate, in order.
 * The level model (tempo-level.ts) is one; without it, the prior's evidence decides.
 */
export type LevelChooser = (env: Float64Array, candidates: readonly TempoCandidate[], o: BeatGridOptions) => number[];

/** The envelope scaled to unit RMS, so the tightness penalty means the same for loud and quiet songs. */
export function normalisedEnvelope(envelope: ArrayLike<number>): Float64Array {
  const n = envelope.length;
  let sq = 0;
  for (let i = 0; i < n; i++) sq += envelope[i]! ** 2;
  const sd = Math.sqrt(sq / n) || 1;
  return Float64Array.from({ length: n }, (_, i) => envelope[i]! / sd);
}

/**
 * Beats at the level chosen (`octave` 0), or an octave faster (1) or slower (-1) when a
 * listener counts it so; undefined when there is no steady beat, or that octave is out of range.
 */
export function beatGrid(
  envelope: ArrayLike<number>,
  o: BeatGridOptions = defaultBeatGrid,
  octave = 0,
  choose?: LevelChooser,
): BeatGrid | undefined {
  const found = tempoCandidates(envelope, o);
  if (found.length === 0) return undefined;
  const env = normalisedEnvelope(envelope);
  const evidence = choose ? choose(env, found, o) : found.map((c) => c.evidence);
  const all = found.map((c, i) => ({ ...c, evidence: evidence[i]! }));
  const heard = all.reduce((a, b) => (b.evidence > a.evidence ? b : a));
  const ratio = heard.ratio * 2 ** octave;
  const chosen = all.find((c) => Math.abs(c.ratio - ratio) < 1e-9);
  if (!chosen) return undefined;
  const candidates = [chosen, ...all.filter((c) => c !== chosen)];
  const frames = trackBeats(env, chosen.lag, o);
  // Sub-frame times: the vertex of the parabola through the onset peak and its neighbours.
  const refined = frames.map((f) => {
    const [a, b, c] = [env[f - 1] ?? 0, env[f]!, env[f + 1] ?? 0];
    const denom = a - 2 * b + c;
    const shift = denom < 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (a - c)) / denom)) : 0;
    return frameTimeS(f + shift, o.sampleRate);
  });
  return { bpm: (60 * (o.sampleRate / HOP)) / chosen.lag, candidates, beats: refined };
}

/** Beat frames at a period of `lag` frames through a normalised envelope, by dynamic programming. */
export function trackBeats(env: Float64Array, lag: number, o: BeatGridOptions): number[] {
  const n = env.length;
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
  return frames;
}

const mean = (xs: number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
/** A beat's onset strength, tolerating the frame either side. */
export const localMax = (env: Float64Array, f: number): number => Math.max(env[f - 1] ?? 0, env[f]!, env[f + 1] ?? 0);
