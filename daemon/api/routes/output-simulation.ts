/**
 * What the platform's sound and visualization "simulate" routes produce: one output event
 * derived from the event's recent crowd movement (mean intensity and density), or, when no
 * movement has been recorded, from the simulated crowd model at this moment.
 */
import { recentMovement } from '../../store/repositories/movement.js';
import { DancerModel } from '../../../drivers/sim/dancer-model.js';
import { getRow } from '../resource.js';
import type { Sql } from '../../store/sql.js';

export interface CrowdReading {
  intensity: number;
  density: number;
  samples: number;
  latestMovementId: number | null;
  basis: 'movement' | 'model';
}

export function readCrowd(sql: Sql, eventId: number, windowS: number): CrowdReading {
  getRow(sql, 'events', eventId, 'event');
  const since = sql.now() - windowS * 1000;
  const recent = recentMovement(sql, eventId, since);
  if (recent.records > 0) {
    return {
      intensity: clamp01(recent.intensity ?? 0),
      density: recent.density ?? 0,
      samples: recent.records,
      latestMovementId: recent.latestId,
      basis: 'movement',
    };
  }
  const energy = new DancerModel(eventId, 0, 128).energy(sql.now());
  return { intensity: energy, density: 0, samples: 0, latestMovementId: null, basis: 'model' };
}

const clamp01 = (v: number): number => Math.min(1, Math.max(0, v));
const r = (v: number, d = 3): number => Math.round(v * 10 ** d) / 10 ** d;

export function soundFor(crowd: CrowdReading): {
  sound_type: string;
  parameters: Record<string, unknown>;
  duration_ms: number;
  intensity: number;
} {
  const i = crowd.intensity;
  const tempo = 100 + 40 * i;
  return {
    sound_type: i < 0.33 ? 'ambient_pad' : i < 0.66 ? 'groove_layer' : 'peak_hit',
    parameters: {
      tempo_bpm: r(tempo, 1),
      filter_cutoff_hz: Math.round(200 + 7800 * i * i),
      reverb_mix: r(0.6 - 0.4 * i),
      basis: crowd.basis,
      samples: crowd.samples,
    },
    duration_ms: Math.round((4 * 4 * 60_000) / tempo), // four bars of 4/4
    intensity: r(i),
  };
}

export function visualFor(crowd: CrowdReading): {
  viz_type: string;
  parameters: Record<string, unknown>;
  duration_ms: number;
  intensity: number;
} {
  const i = crowd.intensity;
  return {
    viz_type: i < 0.33 ? 'ambient_wash' : i < 0.66 ? 'pulse' : 'strobe_burst',
    // cool blue when calm, through magenta, to warm amber at the peak
    parameters: {
      hue: Math.round(220 - 180 * i),
      saturation: r(0.5 + 0.5 * i),
      brightness: r(0.3 + 0.7 * i),
      speed: r(0.2 + 1.8 * i),
      density: r(crowd.density),
      basis: crowd.basis,
      samples: crowd.samples,
    },
    duration_ms: i < 0.66 ? 8000 : 2000,
    intensity: r(i),
  };
}
