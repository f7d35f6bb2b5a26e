/**
 * A physiologically plausible dancer: pure functions of time and a seeded PRNG, no I/O.
 * The crowd's energy follows the song's sections; each dancer's heart rate, skin
 * conductance, skin temperature and wrist acceleration respond to it with their own
 * fitness, lag and noise. Good enough to exercise every downstream stage with realistic
 * rates, ranges and variability; the trained models use real recordings, not this.
 */
import { gaussian, seededRandom } from '../../models/random.js';

/**
 * What the whole room shares: the tempo of the music playing and the crowd's mood
 * (0 = calm, 0.5 = a normal night, 1 = the floor is on fire). Mutable, so the venue driver
 * can follow the music clock and a mood control live; every dancer reads it.
 */
export interface CrowdState {
  bpm: number;
  mood: number;
}

export interface DancerParams {
  restingBpm: number;
  /** bpm gained at full energy */
  reserveBpm: number;
  tonicEdaUs: number;
  baseTempC: number;
  /** 0..1: how strongly this dancer moves with the beat */
  groove: number;
  phase: number;
}

export class DancerModel {
  readonly params: DancerParams;
  private readonly rand: () => number;
  private bpm: number;
  private nextBeatAt: number;
  private scrLevel = 0;
  private temp: number;
  battery: number;

  private readonly crowd: CrowdState;

  constructor(seed: number, startMs: number, crowd: number | CrowdState) {
    this.crowd = typeof crowd === 'number' ? { bpm: crowd, mood: 0.5 } : crowd;
    this.rand = seededRandom(seed);
    const r = this.rand;
    this.params = {
      restingBpm: 62 + r() * 20,
      reserveBpm: 50 + r() * 45,
      tonicEdaUs: 1.5 + r() * 6,
      baseTempC: 32.5 + r() * 1.5,
      groove: 0.4 + r() * 0.6,
      phase: r() * 2 * Math.PI,
    };
    this.bpm = this.params.restingBpm;
    this.nextBeatAt = startMs;
    this.temp = this.params.baseTempC;
    this.battery = 60 + Math.floor(r() * 40);
  }

  /**
   * Received signal strength at the box (dBm) as the dancer moves about the floor: a slow sway
   * from the phase, so it costs no draw from the PRNG (the recorded signals stay the same).
   */
  rssi(tMs: number): number {
    const t = tMs / 1000;
    return Math.round(
      -62 +
        9 * Math.sin((2 * Math.PI * t) / 41 + this.params.phase) +
        3 * Math.sin((2 * Math.PI * t) / 7 + this.params.phase * 3),
    );
  }

  /**
   * Crowd energy 0..1: song sections of ~3 min around a level set by the crowd's mood, lifted
   * by fast music (dancers work harder at 140 bpm than at 90).
   */
  energy(tMs: number): number {
    const t = tMs / 1000;
    const level = 0.15 + 0.7 * this.crowd.mood + 0.15 * Math.max(-1, Math.min(1, (this.crowd.bpm - 115) / 40));
    const sections = level + 0.35 * Math.sin((2 * Math.PI * t) / 180 + this.params.phase * 0.2);
    return Math.min(1, Math.max(0, sections + 0.1 * Math.sin((2 * Math.PI * t) / 37 + this.params.phase)));
  }

  /** Heartbeats (as RR intervals in 1/1024 s) completed in (fromMs, toMs], and the current bpm. */
  heartbeats(fromMs: number, toMs: number): { bpm: number; rr1024: number[] } {
    const target = this.params.restingBpm + this.params.reserveBpm * this.energy(toMs);
    // Heart rate follows effort with a lag of ~20 s (first-order response).
    this.bpm += (target - this.bpm) * Math.min(1, (toMs - fromMs) / 20_000);
    const rr1024: number[] = [];
    if (this.nextBeatAt < fromMs - 5000) this.nextBeatAt = fromMs; // resync after a pause
    while (this.nextBeatAt <= toMs) {
      const rrMs = (60_000 / this.bpm) * (1 + 0.03 * gaussian(this.rand)); // ~3 % beat-to-beat variability
      this.nextBeatAt += rrMs;
      rr1024.push(Math.round((rrMs * 1024) / 1000));
    }
    return { bpm: Math.round(this.bpm), rr1024 };
  }

  /** Skin conductance (µS): a tonic level rising with effort plus occasional phasic responses. */
  eda(tMs: number, dtMs: number): number {
    if (this.rand() < (dtMs / 60_000) * 4) this.scrLevel += 0.2 + this.rand() * 0.8; // ~4 SCRs/min
    this.scrLevel *= Math.exp(-dtMs / 4000);
    const tonic = this.params.tonicEdaUs * (1 + 0.6 * this.energy(tMs));
    return Math.max(0.05, tonic + this.scrLevel + 0.01 * gaussian(this.rand));
  }

  /** Skin temperature (°C): drifts slowly up with effort. */
  skinTemp(tMs: number, dtMs: number): number {
    const target = this.params.baseTempC + 1.2 * this.energy(tMs);
    this.temp += (target - this.temp) * Math.min(1, dtMs / 120_000);
    return this.temp + 0.02 * gaussian(this.rand);
  }

  /** Wrist acceleration in g (x, y, z) at time t: gravity, bounce on the beat, hip sway, noise. */
  acceleration(tMs: number): [number, number, number] {
    const t = tMs / 1000;
    const beat = (2 * Math.PI * this.crowd.bpm) / 60;
    const amp = this.params.groove * (0.2 + this.energy(tMs));
    const bounce = amp * Math.max(0, Math.sin(beat * t + this.params.phase)) ** 2;
    const sway = 0.5 * amp * Math.sin((beat / 2) * t + this.params.phase);
    return [
      sway + 0.04 * gaussian(this.rand),
      0.3 * amp * Math.sin(beat * t * 1.5) + 0.04 * gaussian(this.rand),
      1 + bounce + 0.04 * gaussian(this.rand),
    ];
  }
}
