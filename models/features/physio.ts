/**
 * Physiological features of one window, pure functions shared by training (models/) and the
 * live pipeline (daemon/), so the model sees the same numbers in both. NaN means "not
 * computable in this window" (too few samples), never 0.
 */
import { edaComponents } from './eda-components.js';

export const PHYSIO_FEATURES = [
  'eda_tonic',
  'eda_slope',
  'scr_rate',
  'hr_mean',
  'hr_std',
  'rmssd',
  'temp_mean',
  'temp_slope',
  'eda_phasic',
  'scr_amplitude',
  'hr_slope',
  'sdnn',
] as const;
export type PhysioFeature = (typeof PHYSIO_FEATURES)[number];

/** A series of values with their times in seconds. */
export interface Series {
  t: ArrayLike<number>;
  v: ArrayLike<number>;
}

export interface PhysioWindow {
  /** Skin conductance, µS. */
  eda: Series;
  /** Heart rate, bpm. */
  hr: Series;
  /** RR / inter-beat intervals ending in the window, ms, in order. */
  rrMs: ArrayLike<number>;
  /** Skin temperature, °C. */
  temp: Series;
  seconds: number;
}

function mean(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]!;
  return v.length > 0 ? s / v.length : NaN;
}

function std(v: ArrayLike<number>): number {
  if (v.length < 2) return NaN;
  const m = mean(v);
  let s = 0;
  for (let i = 0; i < v.length; i++) s += (v[i]! - m) ** 2;
  return Math.sqrt(s / (v.length - 1));
}

function median(v: ArrayLike<number>): number {
  if (v.length === 0) return NaN;
  const a = Array.from(v).sort((x, y) => x - y);
  const h = a.length >> 1;
  return a.length % 2 ? a[h]! : (a[h - 1]! + a[h]!) / 2;
}

/** Least-squares slope per minute. */
export function slopePerMin(s: Series): number {
  const n = s.t.length;
  if (n < 4) return NaN;
  const mt = mean(s.t);
  const mv = mean(s.v);
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (s.t[i]! - mt) * (s.v[i]! - mv);
    den += (s.t[i]! - mt) ** 2;
  }
  return den > 0 ? (num / den) * 60 : NaN;
}

/** Root mean square of successive RR differences (ms), with implausible beats (< 300 or > 2000 ms) left out. */
export function rmssd(rrMs: ArrayLike<number>): number {
  let sum = 0;
  let n = 0;
  let prev = NaN;
  for (let i = 0; i < rrMs.length; i++) {
    const rr = rrMs[i]!;
    if (rr < 300 || rr > 2000) {
      prev = NaN;
      continue;
    }
    if (!Number.isNaN(prev)) {
      sum += (rr - prev) ** 2;
      n++;
    }
    prev = rr;
  }
  return n >= 3 ? Math.sqrt(sum / n) : NaN;
}

/** Standard deviation of the plausible RR intervals (SDNN, ms): slower HRV than RMSSD, less sensitive to a missed beat. */
export function sdnn(rrMs: ArrayLike<number>): number {
  const ok = Array.from(rrMs).filter((rr) => rr >= 300 && rr <= 2000);
  return ok.length >= 4 ? std(ok) : NaN;
}

export function physioFeatures(w: PhysioWindow): Float64Array {
  const f = new Float64Array(PHYSIO_FEATURES.length);
  f[0] = median(w.eda.v);
  f[1] = slopePerMin(w.eda);
  f[3] = w.hr.v.length >= 3 ? mean(w.hr.v) : NaN;
  f[4] = w.hr.v.length >= 3 ? std(w.hr.v) : NaN;
  f[5] = rmssd(w.rrMs);
  f[6] = w.temp.v.length >= 3 ? mean(w.temp.v) : NaN;
  f[7] = slopePerMin(w.temp);
  const eda = edaComponents(w.eda);
  f[2] = Number.isNaN(eda.phasicMean) ? NaN : (eda.responses.length * 60) / w.seconds;
  f[8] = eda.phasicMean;
  f[9] = eda.scrAmplitude;
  f[10] = w.hr.v.length >= 4 ? slopePerMin(w.hr) : NaN;
  f[11] = sdnn(w.rrMs);
  return f;
}
