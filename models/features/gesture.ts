/**
 * A fixed-length description of one wrist gesture (a recording of 3-axis acceleration, in g),
 * independent of its sample rate and length: per axis and for the magnitude, level, spread,
 * range, jerk and dominant rhythm, plus the gesture's shape over time (the mean of each axis in
 * eight equal segments, so "sit down" and "stand up", mirror images in time, differ).
 */
export const GESTURE_RATE_HZ = 32;
const SEGMENTS = 8;

/** Linear resampling of interleaved xyz to GESTURE_RATE_HZ. */
export function resample(xyz: ArrayLike<number>, rateHz: number): Float32Array {
  const n = Math.floor(xyz.length / 3);
  if (rateHz === GESTURE_RATE_HZ || n < 2) return Float32Array.from(xyz);
  const m = Math.max(2, Math.round(((n - 1) * GESTURE_RATE_HZ) / rateHz) + 1);
  const out = new Float32Array(m * 3);
  for (let i = 0; i < m; i++) {
    const t = (i * rateHz) / GESTURE_RATE_HZ;
    const a = Math.min(n - 1, Math.floor(t));
    const b = Math.min(n - 1, a + 1);
    const w = t - a;
    for (let c = 0; c < 3; c++) out[i * 3 + c] = xyz[a * 3 + c]! * (1 - w) + xyz[b * 3 + c]! * w;
  }
  return out;
}

function stats(v: Float64Array): number[] {
  const n = v.length;
  let mean = 0;
  for (const x of v) mean += x;
  mean /= n;
  let sd = 0;
  let jerk = 0;
  for (let i = 0; i < n; i++) {
    sd += (v[i]! - mean) ** 2;
    if (i > 0) jerk += Math.abs(v[i]! - v[i - 1]!);
  }
  sd = Math.sqrt(sd / n);
  const sorted = Float64Array.from(v).sort();
  const q = (p: number): number => sorted[Math.min(n - 1, Math.floor(p * (n - 1)))]!;
  return [mean, sd, q(0.1), q(0.5), q(0.9), (jerk / Math.max(1, n - 1)) * GESTURE_RATE_HZ, dominantFrequency(v, mean)];
}

/** The frequency (Hz) of the strongest autocorrelation peak between `minHz` and 8 Hz; 0 when there is no rhythm. */
export function dominantFrequency(v: ArrayLike<number>, mean: number, rateHz = GESTURE_RATE_HZ, minHz = 0.3): number {
  const n = v.length;
  const minLag = Math.max(1, Math.floor(rateHz / 8));
  const maxLag = Math.min(n - 2, Math.ceil(rateHz / minHz));
  let energy = 0;
  for (let i = 0; i < n; i++) energy += (v[i]! - mean) ** 2;
  if (energy === 0 || maxLag <= minLag) return 0;
  let best = 0;
  let bestLag = 0;
  let prev = Infinity;
  let falling = true;
  for (let lag = minLag; lag <= maxLag; lag++) {
    let s = 0;
    for (let i = 0; i + lag < n; i++) s += (v[i]! - mean) * (v[i + lag]! - mean);
    const r = s / energy;
    // The first peak after the autocorrelation has fallen is the period; a falling start is not.
    if (!falling && r < prev && prev > best) {
      best = prev;
      bestLag = lag - 1;
    }
    falling = r < prev && falling;
    prev = r;
  }
  return best > 0.2 && bestLag > 0 ? rateHz / bestLag : 0;
}

export const GESTURE_FEATURE_COUNT = 4 * 7 + 3 * SEGMENTS + 1;

export function gestureFeatures(xyz: ArrayLike<number>, rateHz: number): Float32Array {
  const r = resample(xyz, rateHz);
  const n = Math.floor(r.length / 3);
  const axes = [0, 1, 2].map((c) => Float64Array.from({ length: n }, (_, i) => r[i * 3 + c]!));
  const mag = Float64Array.from({ length: n }, (_, i) => Math.hypot(r[i * 3]!, r[i * 3 + 1]!, r[i * 3 + 2]!));
  const out: number[] = [];
  for (const v of [...axes, mag]) out.push(...stats(v));
  for (const v of axes) {
    for (let s = 0; s < SEGMENTS; s++) {
      const a = Math.floor((s * n) / SEGMENTS);
      const b = Math.max(a + 1, Math.floor(((s + 1) * n) / SEGMENTS));
      let m = 0;
      for (let i = a; i < Math.min(b, n); i++) m += v[i]!;
      out.push(m / Math.max(1, Math.min(b, n) - a));
    }
  }
  out.push(Math.log(Math.max(1, n) / GESTURE_RATE_HZ + 1));
  return Float32Array.from(out);
}
