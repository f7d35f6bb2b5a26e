/**
 * Calibration of the arousal probability. The models are trained with the classes weighted
 * to balance, which shifts their scores; Platt scaling fitted on out-of-fold scores (never on
 * the rows a model was fitted to) maps them back to how often a window really was a stress
 * window. Newton's method from a fixed start: deterministic.
 */
import type { Platt } from './network.js';

export function fitPlatt(logits: ArrayLike<number>, y: ArrayLike<number>, iterations = 50): Platt {
  let a = 1;
  let c = 0;
  for (let it = 0; it < iterations; it++) {
    // Gradient and Hessian of the mean log loss in (a, c), with a tiny ridge for stability.
    let ga = 0;
    let gc = 0;
    let haa = 1e-6;
    let hac = 0;
    let hcc = 1e-6;
    for (let i = 0; i < y.length; i++) {
      const z = logits[i]!;
      const p = 1 / (1 + Math.exp(-(a * z + c)));
      const e = p - y[i]!;
      const w = p * (1 - p);
      ga += e * z;
      gc += e;
      haa += w * z * z;
      hac += w * z;
      hcc += w;
    }
    const det = haa * hcc - hac * hac;
    if (!(det > 0)) break;
    const da = (hcc * ga - hac * gc) / det;
    const dc = (haa * gc - hac * ga) / det;
    a -= da;
    c -= dc;
    if (Math.abs(da) + Math.abs(dc) < 1e-10) break;
  }
  return { a, c };
}

/** Mean squared error of the probabilities. */
export function brier(p: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (p[i]! - y[i]!) ** 2;
  return s / Math.max(1, y.length);
}

/** Expected calibration error over `bins` equal-width bins of the probability. */
export function calibrationError(p: ArrayLike<number>, y: ArrayLike<number>, bins = 10): number {
  const sumP = new Float64Array(bins);
  const sumY = new Float64Array(bins);
  const count = new Float64Array(bins);
  for (let i = 0; i < y.length; i++) {
    const b = Math.min(bins - 1, Math.floor(p[i]! * bins));
    sumP[b] = sumP[b]! + p[i]!;
    sumY[b] = sumY[b]! + y[i]!;
    count[b] = count[b]! + 1;
  }
  let e = 0;
  for (let b = 0; b < bins; b++) if (count[b]! > 0) e += Math.abs(sumP[b]! - sumY[b]!);
  return e / Math.max(1, y.length);
}
