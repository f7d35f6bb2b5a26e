/**
 * The music clock's grid as the lane sees it: the last beat it was told of and its tempo.
 * Haptic cues that must land on a beat ask it for the next one.
 */
import type { BeatEvent } from '../clock/music-clock.js';

export class BeatGrid {
  private last: { at: number; periodMs: number } | undefined;

  beat(beat: BeatEvent): void {
    if (beat.bpm > 0) this.last = { at: beat.at, periodMs: 60_000 / beat.bpm };
  }

  /** The first beat at or after `t` on the last known grid; undefined before any beat. */
  nextAfter(t: number): number | undefined {
    const g = this.last;
    if (!g) return undefined;
    return g.at + Math.ceil((t - g.at) / g.periodMs) * g.periodMs;
  }
}
