/**
 * Physiological features of one window, pure functions shared by training (models/) and the
 * live pipeline (daemon/), so the model sees the same numbers in both. NaN means "not
 * computable in this window" (too few samples), never 0.
 */
export const PHYSIO_FEATURES = [
  'eda_tonic',
  'eda_slope',
  'scr_rate',
  'hr_mean',
  'hr_std',
  'rmssd',
  'temp_mean',
  'temp_slope',
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

/**
 * Skin-conductance responses: rises of at least `minRise` µS from a trough to the next peak
 * within 5 s, on the signal smoothed over 1 s. Returns responses per minute.
 */
export function scrRate(eda: Series, seconds: number, minRise = 0.03): number {
  const n = eda.v.length;
  if (n < 8) return NaN;
  const dt = (eda.t[n - 1]! - eda.t[0]!) / (n - 1) || 0.25;
  const k = Math.max(1, Math.round(1 / dt));
  const smooth = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    let c = 0;
    for (let j = Math.max(0, i - k + 1); j <= i; j++, c++) s += eda.v[j]!;
    smooth[i] = s / c;
  }
  let count = 0;
  let trough = smooth[0]!;
  let troughAt = eda.t[0]!;
  for (let i = 1; i < n - 1; i++) {
    const v = smooth[i]!;
    if (v < trough || eda.t[i]! - troughAt > 5) {
      trough = v;
      troughAt = eda.t[i]!;
    }
    const isPeak = v >= smooth[i - 1]! && v > smooth[i + 1]!;
    if (isPeak && v - trough >= minRise) {
      count++;
      trough = v;
      troughAt = eda.t[i]!;
    }
  }
  return (count * 60) / seconds;
}

export function physioFeatures(w: PhysioWindow): Float64Array {
  const f = new Float64Array(PHYSIO_FEATURES.length);
  f[0] = median(w.eda.v);
  f[1] = slopePerMin(w.eda);
  f[2] = scrRate(w.eda, w.seconds);
  f[3] = w.hr.v.length >= 3 ? mean(w.hr.v) : NaN;
  f[4] = w.hr.v.length >= 3 ? std(w.hr.v) : NaN;
  f[5] = rmssd(w.rrMs);
  f[6] = w.temp.v.length >= 3 ? mean(w.temp.v) : NaN;
  f[7] = slopePerMin(w.temp);
  return f;
}
