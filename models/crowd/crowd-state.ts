/**
 * The whole floor at one moment, from each dancer's latest movement and arousal: how many are
 * dancing, how hard, how aroused (as a distribution, never a list of people), and how much
 * they move with the beat and with each other.
 */
import type { Dancer } from './dancer.js';

/** The whole floor at one moment. */
export interface CrowdRow {
  at: number;
  eventId: number | null;
  bpm: number | null;
  activeDancers: number;
  energy: number | null;
  arousal: { mean: number; p10: number; p50: number; p90: number; highShare: number } | null;
  beatSynchrony: number | null;
  interSynchrony: number | null;
  density: number | null;
}

export interface CrowdOptions {
  /** A dancer counts as active with a movement reading this recent and this strong. */
  activeWithinMs: number;
  activeIntensityG: number;
  /** Arousal older than this is not counted. */
  arousalMaxAgeMs: number;
  /** Intensity (g RMS) that counts as full energy. */
  fullEnergyG: number;
}

function quantile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const x = p * (sorted.length - 1);
  const lo = Math.floor(x);
  const hi = Math.ceil(x);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (x - lo);
}

const r3 = (v: number): number => Math.round(v * 1000) / 1000;

export function crowdState(
  dancers: Iterable<Dancer>,
  now: number,
  bpm: number | null,
  eventId: number | null,
  o: CrowdOptions,
): CrowdRow {
  const active: Dancer[] = [];
  const arousal: number[] = [];
  for (const d of dancers) {
    if (d.arousal && now - d.arousal.at <= o.arousalMaxAgeMs) arousal.push(d.arousal.value);
    const m = d.movement;
    if (m && now - m.at <= o.activeWithinMs && m.intensity >= o.activeIntensityG) active.push(d);
  }
  arousal.sort((a, b) => a - b);
  let energy = 0;
  let lock = 0;
  let re = 0;
  let im = 0;
  let locked = 0;
  for (const d of active) {
    const m = d.movement!;
    energy += Math.min(1, m.intensity / o.fullEnergyG);
    lock += m.beatLock;
    // Only dancers who do move to the beat have a meaningful phase.
    if (m.beatLock >= 0.2) {
      re += Math.cos(m.beatPhase);
      im += Math.sin(m.beatPhase);
      locked++;
    }
  }
  const n = active.length;
  return {
    at: now,
    eventId,
    bpm,
    activeDancers: n,
    energy: n > 0 ? r3(energy / n) : null,
    arousal:
      arousal.length > 0
        ? {
            mean: r3(arousal.reduce((a, b) => a + b, 0) / arousal.length),
            p10: r3(quantile(arousal, 0.1)),
            p50: r3(quantile(arousal, 0.5)),
            p90: r3(quantile(arousal, 0.9)),
            highShare: r3(arousal.filter((a) => a >= 0.5).length / arousal.length),
          }
        : null,
    beatSynchrony: n > 0 && bpm !== null ? r3(lock / n) : null,
    interSynchrony: locked >= 2 ? r3(Math.hypot(re, im) / locked) : null,
    density: null,
  };
}
