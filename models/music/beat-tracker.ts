/**
 * Online beat tracking of mono PCM, pure and incremental: spectral-flux onset strength
 * (log magnitude, half-wave rectified) every hop; every second the tempo is re-estimated from
 * the autocorrelation of the last seconds of onset strength, weighted towards dance tempi
 * (log-Gaussian around 120 bpm); the phase is the comb alignment that best fits recent onsets.
 * Beats are predicted on that grid and reported as the stream passes them. Times are seconds
 * of stream (samples / rate), so a file decoded as fast as possible gives the same beats as
 * the same file played live.
 */
import { HOP, OnsetStrength, frameTimeS } from './onset-strength.js';

export interface TrackerOptions {
  sampleRate: number;
  /** Seconds of onset history behind each tempo estimate. */
  windowS: number;
  minBpm: number;
  maxBpm: number;
}

export type TrackerEvent = { type: 'tempo'; bpm: number; atS: number } | { type: 'beat'; atS: number; bpm: number };

export class BeatTracker {
  private readonly strength = new OnsetStrength();
  private readonly onset: number[] = [];
  private frames = 0;
  private periodFrames: number | undefined;
  private nextBeatFrame: number | undefined;
  private lastBeatFrame = -Infinity;
  bpm: number | undefined;

  constructor(private readonly o: TrackerOptions = { sampleRate: 22_050, windowS: 8, minBpm: 60, maxBpm: 200 }) {}

  private get frameRate(): number {
    return this.o.sampleRate / HOP;
  }

  /** Feeds samples; returns the tempo changes and beats they complete. */
  push(samples: Float32Array): TrackerEvent[] {
    const events: TrackerEvent[] = [];
    for (const strength of this.strength.push(samples)) {
      this.onset.push(strength);
      const max = Math.round(this.o.windowS * this.frameRate);
      if (this.onset.length > max) this.onset.shift();
      this.frames++;
      if (this.frames % Math.round(this.frameRate) === 0 && this.onset.length >= this.frameRate * 2)
        this.estimate(events);
      if (this.nextBeatFrame !== undefined && this.periodFrames !== undefined && this.frames >= this.nextBeatFrame) {
        events.push({ type: 'beat', atS: frameTimeS(this.nextBeatFrame, this.o.sampleRate), bpm: this.bpm! });
        this.lastBeatFrame = this.nextBeatFrame;
        this.nextBeatFrame += this.periodFrames;
      }
    }
    return events;
  }

  private estimate(events: TrackerEvent[]): void {
    const env = this.onset;
    const n = env.length;
    const mean = env.reduce((a, b) => a + b, 0) / n;
    const x = env.map((v) => v - mean);
    const fr = this.frameRate;
    const minLag = Math.floor((60 / this.o.maxBpm) * fr);
    const maxLag = Math.ceil((60 / this.o.minBpm) * fr);
    const score: number[] = [];
    for (let lag = 0; lag <= maxLag + 1; lag++) {
      let acc = 0;
      for (let i = lag; i < n; i++) acc += x[i]! * x[i - lag]!;
      score.push(acc / (n - lag));
    }
    let best = -1;
    let bestScore = -Infinity;
    for (let lag = minLag; lag <= maxLag; lag++) {
      const bpm = (60 * fr) / lag;
      const prior = Math.exp(-0.5 * (Math.log2(bpm / 120) / 0.9) ** 2);
      const s = score[lag]! * prior;
      if (s > bestScore) {
        bestScore = s;
        best = lag;
      }
    }
    if (best <= 0 || !(bestScore > 0)) return;
    // Parabolic refinement between neighbouring lags.
    const [a, b, c] = [score[best - 1]!, score[best]!, score[best + 1]!];
    const denom = a - 2 * b + c;
    const lag = denom < 0 ? best + (0.5 * (a - c)) / denom : best;
    const bpm = (60 * fr) / lag;
    // Phase: the offset whose comb of beats back through the window collects the most onset.
    let bestPhase = 0;
    let bestSum = -Infinity;
    for (let phase = 0; phase < lag; phase++) {
      let sum = 0;
      for (let t = n - 1 - phase; t >= 0; t -= lag) sum += env[Math.round(t)]!;
      if (sum > bestSum) {
        bestSum = sum;
        bestPhase = phase;
      }
    }
    const lastBeat = this.frames - 1 - bestPhase;
    this.periodFrames = lag;
    this.nextBeatFrame = lastBeat + lag;
    // A re-estimate moves the grid; never report a beat within half a period of the last one.
    while (this.nextBeatFrame <= this.frames - 1 || this.nextBeatFrame - this.lastBeatFrame < lag / 2)
      this.nextBeatFrame += lag;
    if (this.bpm === undefined || Math.abs(bpm - this.bpm) >= 0.5) {
      this.bpm = bpm;
      events.push({ type: 'tempo', bpm, atS: (this.frames * HOP) / this.o.sampleRate });
    }
  }
}
