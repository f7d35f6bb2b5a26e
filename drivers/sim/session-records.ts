/**
 * A simulated stretch of an event as database records: what the API's /simulate routes
 * store. Each dancer is a seeded DancerModel, so the same request gives the same session;
 * values are summaries over each interval (not raw IMU), as the platform's records are.
 */
import { DancerModel } from './dancer-model.js';
import { seededRandom } from '../../models/random.js';

export interface SessionSpec {
  /** One entry per simulated dancer: a user id, or null for an anonymous wristband. */
  dancers: (number | null)[];
  startMs: number;
  endMs: number;
  intervalMs: number;
  bpm: number;
  seed: number;
}

export interface MovementRecord {
  user_id: number | null;
  recorded_at: number;
  data_type: 'wrist_summary';
  coordinates: { x: number; y: number };
  velocity: number;
  acceleration: number;
  crowd_density: number;
  intensity: number;
}

export interface BiometricRecord {
  user_id: number | null;
  recorded_at: number;
  heart_rate: number;
  rr_1024: number[];
  gsr_us: number;
  skin_temp_c: number;
  energy_level: number;
  emotional_state: string;
}

/** Floor of 20 m x 12 m; density is dancers per m² within 2 m of a dancer. */
const FLOOR = { w: 20, h: 12 };
const IMU_STEP_MS = 20;

export function emotionalState(energy: number, edaUs: number, tonicUs: number): string {
  const aroused = edaUs > tonicUs * 1.4;
  if (energy > 0.7) return aroused ? 'euphoric' : 'energetic';
  if (energy > 0.4) return aroused ? 'excited' : 'engaged';
  return aroused ? 'tense' : 'relaxed';
}

export function simulateSession(spec: SessionSpec): { movement: MovementRecord[]; biometrics: BiometricRecord[] } {
  const rand = seededRandom(spec.seed);
  const models = spec.dancers.map((_, i) => new DancerModel(spec.seed * 1000 + i, spec.startMs, spec.bpm));
  const pos = spec.dancers.map(() => ({ x: rand() * FLOOR.w, y: rand() * FLOOR.h }));
  const movement: MovementRecord[] = [];
  const biometrics: BiometricRecord[] = [];
  for (let t = spec.startMs; t + spec.intervalMs <= spec.endMs; t += spec.intervalMs) {
    const end = t + spec.intervalMs;
    models.forEach((m, i) => {
      // Mean dynamic acceleration over the interval (gravity removed), sampled at 50 Hz.
      let dyn = 0;
      let n = 0;
      for (let s = t; s < end; s += IMU_STEP_MS, n++) {
        const [x, y, z] = m.acceleration(s);
        dyn += Math.abs(Math.hypot(x, y, z) - 1);
      }
      const acceleration = (dyn / Math.max(1, n)) * 9.81;
      const energy = m.energy(end);
      const p = pos[i] ?? { x: 0, y: 0 };
      const step = 0.3 * energy * (spec.intervalMs / 1000);
      p.x = Math.min(FLOOR.w, Math.max(0, p.x + (rand() - 0.5) * step));
      p.y = Math.min(FLOOR.h, Math.max(0, p.y + (rand() - 0.5) * step));
      const near = pos.filter((q) => Math.hypot(q.x - p.x, q.y - p.y) <= 2).length;
      const userId = spec.dancers[i] ?? null;
      movement.push({
        user_id: userId,
        recorded_at: end,
        data_type: 'wrist_summary',
        coordinates: { x: round(p.x, 2), y: round(p.y, 2) },
        velocity: round(step / (spec.intervalMs / 1000), 3),
        acceleration: round(acceleration, 3),
        crowd_density: round(near / (Math.PI * 4), 3),
        intensity: round(Math.min(1, acceleration / 6), 3),
      });
      const { bpm, rr1024 } = m.heartbeats(t, end);
      const eda = m.eda(end, spec.intervalMs);
      biometrics.push({
        user_id: userId,
        recorded_at: end,
        heart_rate: bpm,
        rr_1024: rr1024,
        gsr_us: round(eda, 3),
        skin_temp_c: round(m.skinTemp(end, spec.intervalMs), 2),
        energy_level: round(energy, 3),
        emotional_state: emotionalState(energy, eda, m.params.tonicEdaUs),
      });
    });
  }
  return { movement, biometrics };
}

const round = (v: number, digits: number): number => Math.round(v * 10 ** digits) / 10 ** digits;
