/**
 * Spectral-flux onset strength of mono PCM, frame by frame: the log magnitude spectrum of a
 * Hann-windowed frame, minus the previous frame's, half-wave rectified and summed. Shared by
 * the live beat tracker and the offline song analysis so both hear the same onsets.
 */
import FFT from 'fft.js';

export const FRAME = 1024;
export const HOP = 512;

/**
 * Frame i covers samples [i·HOP, i·HOP + FRAME); with a Hann window and hop FRAME/2 a click
 * raises the flux most when it sits at the window's centre, so that is the frame's time.
 */
export const frameTimeS = (frame: number, sampleRate: number): number => (frame * HOP + FRAME / 2) / sampleRate;

export class OnsetStrength {
  private readonly fft = new FFT(FRAME);
  private readonly window = new Float32Array(FRAME);
  private readonly spectrum: number[];
  private readonly frame = new Float32Array(FRAME);
  private readonly prevMag = new Float32Array(FRAME / 2);
  private pending = new Float32Array(0);

  constructor() {
    for (let i = 0; i < FRAME; i++) this.window[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / FRAME);
    this.spectrum = this.fft.createComplexArray() as number[];
  }

  /** Feeds samples; returns the onset strength of each frame they complete. */
  push(samples: Float32Array): number[] {
    const all = new Float32Array(this.pending.length + samples.length);
    all.set(this.pending);
    all.set(samples, this.pending.length);
    const out: number[] = [];
    let at = 0;
    for (; at + FRAME <= all.length; at += HOP) {
      for (let i = 0; i < FRAME; i++) this.frame[i] = all[at + i]! * this.window[i]!;
      out.push(this.flux());
    }
    this.pending = all.slice(at);
    return out;
  }

  private flux(): number {
    this.fft.realTransform(this.spectrum, this.frame);
    let sum = 0;
    for (let k = 1; k < FRAME / 2; k++) {
      const re = this.spectrum[2 * k]!;
      const im = this.spectrum[2 * k + 1]!;
      const mag = Math.log1p(100 * Math.sqrt(re * re + im * im));
      const d = mag - this.prevMag[k]!;
      if (d > 0) sum += d;
      this.prevMag[k] = mag;
    }
    return sum;
  }
}
