/**
 * Movement features of one window of wrist acceleration (interleaved xyz, g): how hard the
 * dancer moves, how jerky, at what rhythm, and how much of the movement is locked to the
 * music's beat and at which phase of it. Pure; shared by the live pipeline and tests.
 */
import { dominantFrequency } from './gesture.js';

export interface MovementFeatures {
  /** RMS of the dynamic acceleration over all axes, g. */
  intensity: number;
  /** mean rate of change of the acceleration magnitude, g/s */
  jerk: number;
  /** dominant movement frequency, Hz (0 without a rhythm) */
  frequencyHz: number;
  /** phase of the movement against the beat grid, radians */
  beatPhase: number;
  /** 0..1: the share of the movement at the beat frequency (1 = a pure bounce on every beat) */
  beatLock: number;
}

/**
 * @param startS time of the first sample, seconds, on the same clock as `beatOriginS`
 * @param beatHz beats per second (bpm / 60)
 */
export function movementFeatures(
  xyz: ArrayLike<number>,
  rateHz: number,
  startS: number,
  beatHz: number,
  beatOriginS = 0,
): MovementFeatures {
  const n = Math.floor(xyz.length / 3);
  if (n < 4) return { intensity: 0, jerk: 0, frequencyHz: 0, beatPhase: 0, beatLock: 0 };
  const mean = [0, 0, 0];
  for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) mean[c] = mean[c]! + xyz[i * 3 + c]! / n;
  let dynSq = 0;
  const mag = new Float64Array(n);
  let magMean = 0;
  for (let i = 0; i < n; i++) {
    const x = xyz[i * 3]!;
    const y = xyz[i * 3 + 1]!;
    const z = xyz[i * 3 + 2]!;
    dynSq += (x - mean[0]!) ** 2 + (y - mean[1]!) ** 2 + (z - mean[2]!) ** 2;
    mag[i] = Math.hypot(x, y, z);
    magMean += mag[i]! / n;
  }
  let jerk = 0;
  let re = 0;
  let im = 0;
  let magVar = 0;
  const w = 2 * Math.PI * beatHz;
  for (let i = 0; i < n; i++) {
    if (i > 0) jerk += Math.abs(mag[i]! - mag[i - 1]!);
    const d = mag[i]! - magMean;
    magVar += d * d;
    const t = startS + i / rateHz - beatOriginS;
    re += d * Math.cos(w * t);
    im -= d * Math.sin(w * t);
  }
  const lock = magVar > 0 ? Math.min(1, (Math.SQRT2 * Math.hypot(re, im)) / Math.sqrt(n * magVar)) : 0;
  return {
    intensity: Math.sqrt(dynSq / n),
    jerk: (jerk / (n - 1)) * rateHz,
    // Dance moves repeat at 0.7 Hz (42 bpm) or faster; the shorter lag search keeps the 1 Hz crowd tick cheap.
    frequencyHz: dominantFrequency(mag, magMean, rateHz, 0.7),
    beatPhase: Math.atan2(im, re),
    beatLock: lock,
  };
}
