/**
 * Causal per-person normalisation: each feature becomes a z-score against that person's own
 * exponentially weighted history (half-life `halfLifeWindows`), using only the past and the
 * present. Training and the live pipeline both use it, so a model learns changes relative to
 * the dancer, not absolute levels that differ between people and wristbands.
 */
export class RunningNorm {
  private readonly mean: Float64Array;
  private readonly varc: Float64Array;
  private readonly seen: Uint32Array;
  private readonly alpha: number;

  constructor(
    private readonly floors: ArrayLike<number>,
    halfLifeWindows: number,
  ) {
    this.mean = new Float64Array(floors.length);
    this.varc = new Float64Array(floors.length);
    this.seen = new Uint32Array(floors.length);
    this.alpha = 1 - 2 ** (-1 / halfLifeWindows);
  }

  /** Updates with `x` and returns its z-scores; a NaN feature gives 0 (the person's usual) and does not update. */
  push(x: ArrayLike<number>): Float32Array {
    const z = new Float32Array(this.floors.length);
    for (let i = 0; i < this.floors.length; i++) {
      const v = x[i]!;
      if (!Number.isFinite(v)) continue;
      const n = ++this.seen[i]!;
      // Plain running mean until the exponential weight takes over (bias-free warm-up).
      const a = Math.max(1 / n, this.alpha);
      const d = v - this.mean[i]!;
      this.mean[i] = this.mean[i]! + a * d;
      this.varc[i] = (1 - a) * (this.varc[i]! + a * d * d);
      const sd = Math.max(Math.sqrt(this.varc[i]!), this.floors[i]!);
      z[i] = Math.max(-6, Math.min(6, (v - this.mean[i]!) / sd));
    }
    return z;
  }
}

/** Floors for the physio features' standard deviations (below these, a change is noise). */
export const PHYSIO_FLOORS = [0.05, 0.02, 0.5, 2, 0.5, 5, 0.05, 0.02, 0.01, 0.01, 0.5, 5];
