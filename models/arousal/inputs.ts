/**
 * What the arousal model reads: every physio feature z-scored against the same person's own
 * history at two time scales. The slow one (half-life 15 min) says how far the dancer is from
 * their usual; the fast one (2 min) says whether they just changed, which a slow baseline
 * misses once a long effort has pulled it up. Training and the live pipeline both use this
 * class, so the model sees the same numbers in both.
 */
import { PHYSIO_FEATURES } from '../features/physio.js';
import { PHYSIO_FLOORS, RunningNorm } from '../features/running-norm.js';

/** Window length and hop, seconds; the live pipeline uses the same. */
export const WINDOW_S = 60;
export const STEP_S = 10;

/** The normalisation's time scales, as half-lives in windows. */
export const AROUSAL_SCALES = [
  { suffix: '15m', halfLife: (15 * 60) / STEP_S },
  { suffix: '2m', halfLife: (2 * 60) / STEP_S },
] as const;

/** Input names in the model's order: every feature at the slow scale, then every feature at the fast one. */
export const AROUSAL_INPUTS: readonly string[] = AROUSAL_SCALES.flatMap((s) =>
  PHYSIO_FEATURES.map((f) => `${f}_${s.suffix}`),
);

export class ArousalNorm {
  private readonly scales = AROUSAL_SCALES.map((s) => new RunningNorm(PHYSIO_FLOORS, s.halfLife));

  /** Updates with one window's features and returns the model's input row. */
  push(features: ArrayLike<number>): Float32Array {
    const out = new Float32Array(AROUSAL_INPUTS.length);
    this.scales.forEach((norm, i) => out.set(norm.push(features), i * PHYSIO_FEATURES.length));
    return out;
  }
}
