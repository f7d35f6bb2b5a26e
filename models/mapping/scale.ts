/**
 * The scaling stage of a mapping rule, pure and per key (a dancer, or the crowd): range and
 * curve, exponential smoothing over real time, threshold with hysteresis, and rate limit.
 */
import type { MappingRule } from '../../config/mapping.js';

type Scale = MappingRule['scale'];

export interface ScaleState {
  smoothed: number | undefined;
  lastAt: number;
  /** Threshold re-armed (the value has fallen to `off` since the last firing). */
  armed: boolean;
  lastOutAt: number;
}

export const freshState = (): ScaleState => ({ smoothed: undefined, lastAt: 0, armed: true, lastOutAt: -Infinity });

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

/** Range and curve only: no state. */
export function mapValue(raw: number, s: Scale): number {
  if (!s.in || !s.out) return raw;
  const [i0, i1] = s.in;
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
export function step(state: ScaleState, raw: number, at: number, s: Scale, trigger: boolean): Step {
  if (!Number.isFinite(raw)) return { kind: 'none' };
  let v = mapValue(raw, s);
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
      return { kind: 'none' };
    }
    if (v < s.threshold.on) return { kind: 'none' };
    const out = limited(state, at, s, v, 'fire');
    if (out.kind === 'fire') state.armed = false;
    return out;
  }
  return limited(state, at, s, v, 'value');
}

function limited(state: ScaleState, at: number, s: Scale, value: number, kind: 'fire' | 'value'): Step {
  if (s.minIntervalMs > 0 && at - state.lastOutAt < s.minIntervalMs) return { kind: 'none' };
  state.lastOutAt = at;
  return { kind, value };
}
