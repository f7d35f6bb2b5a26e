/**
 * Skin conductance split into its two components, as electrodermal research reads it: the
 * tonic level (slow drift of the skin's baseline) and the phasic part (the quick responses a
 * stimulus or an emotion causes, each a rise over 1-5 s and a slower decay).
 *
 * The tonic level is the signal's lower envelope: the 1 s-smoothed signal's minimum over
 * ±4 s, smoothed again over ±4 s. What rises above it is phasic. That is a light stand-in for
 * a deconvolution (cvxEDA, Ledalab), cheap enough for 200 dancers every 10 s on the box.
 */
import type { Series } from './physio.js';

export interface EdaComponents {
  /** Mean phasic conductance over the window (µS); NaN with fewer than 8 samples. */
  phasicMean: number;
  /** Amplitudes (µS) of the skin-conductance responses, in order. */
  responses: number[];
  /** Mean response amplitude (µS), 0 when there was none. */
  scrAmplitude: number;
}

/** A response is a rise of at least this much (µS) from a trough to the next peak within 5 s. */
export const SCR_MIN_RISE = 0.03;
const TROUGH_S = 5;
const ENVELOPE_S = 4;

function movingMean(v: ArrayLike<number>, before: number, after: number): Float64Array {
  const n = v.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    const a = Math.max(0, i - before);
    const b = Math.min(n - 1, i + after);
    for (let j = a; j <= b; j++) s += v[j]!;
    out[i] = s / (b - a + 1);
  }
  return out;
}

function movingMin(v: ArrayLike<number>, half: number): Float64Array {
  const n = v.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let m = Infinity;
    for (let j = Math.max(0, i - half); j <= Math.min(n - 1, i + half); j++) m = Math.min(m, v[j]!);
    out[i] = m;
  }
  return out;
}

export function edaComponents(eda: Series): EdaComponents {
  const n = eda.v.length;
  if (n < 8) return { phasicMean: NaN, responses: [], scrAmplitude: NaN };
  const dt = (eda.t[n - 1]! - eda.t[0]!) / (n - 1) || 0.25;
  // Trailing 1 s mean: takes out the sensor's quantisation steps without moving a peak later than 1 s.
  const smooth = movingMean(eda.v, Math.max(1, Math.round(1 / dt)) - 1, 0);
  const half = Math.max(1, Math.round(ENVELOPE_S / dt));
  const tonic = movingMean(movingMin(smooth, half), half, half);
  let phasic = 0;
  for (let i = 0; i < n; i++) phasic += Math.max(0, smooth[i]! - tonic[i]!);

  // A response: a local peak of the smoothed signal, measured from the lowest point of the
  // 5 s before it (not before the previous response's peak).
  const responses: number[] = [];
  let lastPeak = 0;
  for (let i = 1; i < n - 1; i++) {
    const v = smooth[i]!;
    if (!(v >= smooth[i - 1]! && v > smooth[i + 1]!)) continue;
    let onset = v;
    for (let j = i - 1; j >= lastPeak && eda.t[i]! - eda.t[j]! <= TROUGH_S; j--) onset = Math.min(onset, smooth[j]!);
    if (v - onset >= SCR_MIN_RISE) {
      responses.push(v - onset);
      lastPeak = i;
    }
  }
  const scrAmplitude = responses.length > 0 ? responses.reduce((a, b) => a + b, 0) / responses.length : 0;
  return { phasicMean: phasic / n, responses, scrAmplitude };
}
