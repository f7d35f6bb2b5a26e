/**
 * The scaling stage of a mapping rule, pure and per key (a dancer, or the crowd): range and
 * curve, exponential smoothing over real time, threshold with hysteresis, and rate limit.
 */
import type { MappingRule } from '../../config/mapping.js';

type Scale = MappingRule['scale'];

export interface ScaleState {
  /** Adaptive scaling's recent values (created on first use). */
  window?: AdaptiveWindow;
  smoothed: number | undefined;
  lastAt: number;
  /** Threshold re-armed (the value has fallen to `off` since the last firing). */
  armed: boolean;
  lastOutAt: number;
  /** The last step's output, reused so a step allocates nothing (read it before the next step). */
  out: { kind: 'value' | 'fire'; value: number };
}

export const freshState = (): ScaleState => ({
  smoothed: undefined,
  lastAt: 0,
  armed: true,
  lastOutAt: -Infinity,
  out: { kind: 'value', value: 0 },
});

const NONE: Step = Object.freeze({ kind: 'none' });

function curve(x: number, kind: Scale['curve']): number {
  switch (kind) {
    case 'linear':
      return x;
    case 'exp':
      return x * x;
    case 'log':
      return Math.sqrt(x);
    case 's':
      return x * x * (3 - 2 * x);
  }
}

/** Values kept per window: the window is sampled evenly, so memory is bounded whatever the input rate. */
const WINDOW_SAMPLES = 400;
/** Percentiles are recomputed after this many kept values. */
const RECOMPUTE_EVERY = 20;
/** Below this many kept values the seed range (`in`) is used. */
const MIN_SAMPLES = 40;
/** The adapted range never shrinks below this share of the seed range (a still dancer is not amplified into noise). */
const MIN_SPAN = 0.25;

interface AdaptiveWindow {
  values: Float64Array;
  n: number;
  head: number;
  lastKeptAt: number;
  sinceRecompute: number;
  range: [number, number] | undefined;
}

/** Keeps `raw` in the window (at most WINDOW_SAMPLES per window) and returns the input range to use. */
export function adaptiveRange(
  state: ScaleState,
  raw: number,
  at: number,
  s: Scale,
): readonly [number, number] | undefined {
  const a = s.adaptive;
  if (!a || !s.in) return s.in;
  const w = (state.window ??= {
    values: new Float64Array(WINDOW_SAMPLES),
    n: 0,
    head: 0,
    lastKeptAt: -Infinity,
    sinceRecompute: 0,
    range: undefined,
  });
  if (at - w.lastKeptAt >= (a.windowS * 1000) / WINDOW_SAMPLES) {
    w.values[w.head] = raw;
    w.head = (w.head + 1) % WINDOW_SAMPLES;
    w.n = Math.min(WINDOW_SAMPLES, w.n + 1);
    w.lastKeptAt = at;
    if (w.n >= MIN_SAMPLES && (++w.sinceRecompute >= RECOMPUTE_EVERY || w.range === undefined)) {
      w.sinceRecompute = 0;
      const sorted = w.values.slice(0, w.n).sort();
      const pick = (p: number) => sorted[Math.min(w.n - 1, Math.max(0, Math.round((p / 100) * (w.n - 1))))]!;
      let lo = pick(a.low);
      let hi = pick(a.high);
      const seed = Math.abs(s.in[1] - s.in[0]);
      if (hi - lo < MIN_SPAN * seed) {
        const mid = (lo + hi) / 2;
        lo = mid - (MIN_SPAN * seed) / 2;
        hi = mid + (MIN_SPAN * seed) / 2;
      }
      w.range = s.in[0] <= s.in[1] ? [lo, hi] : [hi, lo];
    }
  }
  return w.range ?? s.in;
}

/** Range and curve only: no state. */
export function mapValue(raw: number, s: Scale, inRange: readonly [number, number] | undefined = s.in): number {
  if (!inRange || !s.out) return raw;
  const [i0, i1] = inRange;
  const t = Math.min(1, Math.max(0, (raw - i0) / (i1 - i0)));
  const [o0, o1] = s.out;
  return o0 + curve(t, s.curve) * (o1 - o0);
}

export type Step = { kind: 'none' } | { kind: 'value'; value: number } | { kind: 'fire'; value: number };

/**
 * One input through the stateful stage. A rule with a threshold fires once per rising
 * crossing; one without emits the (smoothed) value. `trigger` sources (beats, patterns)
 * fire every time, subject only to the rate limit.
 */
/** One input through the scale. The result is the state's own `out` (or a shared `none`): read it before the next step. */
export function step(state: ScaleState, raw: number, at: number, s: Scale, trigger: boolean): Step {
  if (!Number.isFinite(raw)) return NONE;
  let v = mapValue(raw, s, s.adaptive ? adaptiveRange(state, raw, at, s) : s.in);
  if (s.smoothingMs > 0 && !trigger) {
    if (state.smoothed === undefined) state.smoothed = v;
    else {
      const alpha = 1 - Math.exp(-Math.max(0, at - state.lastAt) / s.smoothingMs);
      state.smoothed += alpha * (v - state.smoothed);
    }
    v = state.smoothed;
  }
  state.lastAt = at;
  if (trigger) return limited(state, at, s, v, 'fire');
  if (s.threshold) {
    if (!state.armed) {
      if (v <= s.threshold.off) state.armed = true;
      return NONE;
    }
    if (v < s.threshold.on) return NONE;
    const out = limited(state, at, s, v, 'fire');
    if (out.kind === 'fire') state.armed = false;
    return out;
  }
  return limited(state, at, s, v, 'value');
}

function limited(state: ScaleState, at: number, s: Scale, value: number, kind: 'fire' | 'value'): Step {
  if (s.minIntervalMs > 0 && at - state.lastOutAt < s.minIntervalMs) return NONE;
  state.lastOutAt = at;
  state.out.kind = kind;
  state.out.value = value;
  return state.out;
}
