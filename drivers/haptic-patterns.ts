/**
 * What each haptic pattern means as motor levels over time, for outputs that drive motors
 * directly (Firmata PWM pins). Serial controllers receive the pattern's name and play it in
 * firmware, the same way.
 */
import type { HapticPattern } from './haptic.js';

/** Steps of [level 0..1 (times the pulse intensity), duration ms]; the motor is off after the last. */
export function patternSteps(pattern: HapticPattern, durationMs: number): [number, number][] {
  const d = Math.max(1, durationMs);
  switch (pattern) {
    case 'constant':
      return [[1, d]];
    case 'double':
      return [
        [1, d * 0.35],
        [0, d * 0.3],
        [1, d * 0.35],
      ];
    case 'ramp_up':
      return [0.2, 0.4, 0.6, 0.8, 1].map((l) => [l, d / 5]);
    case 'ramp_down':
      return [1, 0.8, 0.6, 0.4, 0.2].map((l) => [l, d / 5]);
    case 'heartbeat':
      return [
        [1, d * 0.2],
        [0, d * 0.15],
        [0.7, d * 0.2],
        [0, d * 0.45],
      ];
    case 'tick':
      return [[1, Math.min(d, 40)]];
  }
}
