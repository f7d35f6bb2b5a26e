/**
 * Follows MIDI clock (System Real-Time, 24 ticks per quarter note): tempo from the spacing of
 * recent ticks, beats counted while the clock runs, Start / Stop / Continue and Song Position
 * Pointer. Pure: bytes and their arrival times in, clock events out.
 */
export type ClockEvent =
  | { type: 'tempo'; bpm: number; atMs: number }
  | { type: 'beat'; beat: number; atMs: number }
  | { type: 'start' | 'stop' | 'continue'; atMs: number };

export const TICKS_PER_BEAT = 24;
const TICK = 0xf8;
const START = 0xfa;
const CONTINUE = 0xfb;
const STOP = 0xfc;
const SONG_POSITION = 0xf2;
/** A tempo change smaller than this is not reported (tick jitter). */
const REPORT_STEP_BPM = 0.5;
/** A gap this long means the clock source paused: the spacing before it says nothing about now. */
const GAP_MS = 500;

export class MidiClockTracker {
  private intervals: number[] = [];
  private lastTickAt: number | undefined;
  private reported: number | undefined;
  private ticks = 0;
  running = false;

  get bpm(): number | undefined {
    return this.reported;
  }

  /** Ticks since Start (or the Song Position), so the beat and position within it are known. */
  get position(): { beat: number; tick: number } {
    return { beat: Math.floor(this.ticks / TICKS_PER_BEAT), tick: this.ticks % TICKS_PER_BEAT };
  }

  feed(bytes: ArrayLike<number>, atMs: number): ClockEvent[] {
    const status = bytes[0];
    switch (status) {
      case TICK:
        return this.tick(atMs);
      case START:
        this.running = true;
        this.ticks = 0;
        return [{ type: 'start', atMs }];
      case CONTINUE:
        this.running = true;
        return [{ type: 'continue', atMs }];
      case STOP:
        this.running = false;
        return [{ type: 'stop', atMs }];
      case SONG_POSITION: {
        // Position in sixteenth notes (6 ticks each), 14 bits LSB first.
        if (bytes.length < 3) return [];
        this.ticks = ((bytes[1]! & 0x7f) | ((bytes[2]! & 0x7f) << 7)) * 6;
        return [];
      }
      case undefined:
      default:
        return [];
    }
  }

  private tick(atMs: number): ClockEvent[] {
    const out: ClockEvent[] = [];
    if (this.lastTickAt !== undefined) {
      const dt = atMs - this.lastTickAt;
      if (dt > GAP_MS) this.intervals = [];
      else if (dt > 0) {
        this.intervals.push(dt);
        if (this.intervals.length > TICKS_PER_BEAT) this.intervals.shift();
      }
    }
    this.lastTickAt = atMs;
    // A full beat of spacing, median against jitter (USB MIDI delivers ticks in bursts).
    if (this.intervals.length >= TICKS_PER_BEAT / 2) {
      const sorted = [...this.intervals].sort((a, b) => a - b);
      const median = sorted[sorted.length >> 1]!;
      const bpm = Math.round((60_000 / (median * TICKS_PER_BEAT)) * 10) / 10;
      if (this.reported === undefined || Math.abs(bpm - this.reported) >= REPORT_STEP_BPM) {
        this.reported = bpm;
        out.push({ type: 'tempo', bpm, atMs });
      }
    }
    if (this.running) {
      if (this.ticks % TICKS_PER_BEAT === 0) out.push({ type: 'beat', beat: this.ticks / TICKS_PER_BEAT, atMs });
      this.ticks++;
    }
    return out;
  }
}
