/**
 * The one haptic output interface: serial controllers, Firmata boards and the simulator all
 * implement it, so the mapping that decides "pulse dancer 7's wristband on the downbeat"
 * never knows which hardware is on the other end.
 */
import type { Driver } from './driver.js';

export const HAPTIC_PATTERNS = ['constant', 'double', 'ramp_up', 'ramp_down', 'heartbeat', 'tick'] as const;
export type HapticPattern = (typeof HAPTIC_PATTERNS)[number];

export interface HapticPulse {
  /** Motor channel on the controller, 0-based. */
  channel: number;
  pattern: HapticPattern;
  /** 0..1 */
  intensity: number;
  durationMs: number;
}

export type PulseOutcome = { ok: true; latencyMs: number; attempts: number } | { ok: false; reason: string };

export interface HapticOutput extends Driver {
  readonly channels: number;
  /** Never rejects: a pulse that cannot be delivered resolves with the reason (and is counted in health). */
  pulse(pulse: HapticPulse): Promise<PulseOutcome>;
  /** Stops one channel, or all when omitted. */
  stopChannel(channel?: number): Promise<PulseOutcome>;
}
