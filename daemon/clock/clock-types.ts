/**
 * The music clock's vocabulary: its sources, the beat it announces, its state and options,
 * and the timebase it runs on (real time in the box, a virtual one in tests).
 */
import { preciseNow } from '../../drivers/precise-timer.js';

export { preciseNow };

export const CLOCK_SOURCES = ['midi', 'osc', 'song', 'audio', 'fallback'] as const;
export type ClockSource = (typeof CLOCK_SOURCES)[number];
export type ClockMode = 'auto' | 'midi' | 'osc' | 'audio' | 'song' | 'fixed';

export interface BeatEvent {
  /** Beats since the clock began counting (0-based, only ever increases). */
  index: number;
  /** Position in the phrase, 1..beatsPerPhrase: the dancers' 8-count. */
  count: number;
  /** 1..beatsPerBar */
  beatInBar: number;
  /** Bar within the phrase, 1-based. */
  bar: number;
  /** Phrases since the count was last set (start, downbeat), 1-based. */
  phrase: number;
  barStart: boolean;
  phraseStart: boolean;
  /** When the beat falls (wall-clock ms, fractional). Usually a little in the future. */
  at: number;
  bpm: number;
  source: ClockSource;
}

export interface ClockState {
  bpm: number;
  source: ClockSource;
  running: boolean;
  /** Time of one beat on the grid (wall-clock ms) and its beat index. */
  anchorAt: number;
  anchorIndex: number;
  /** Index of a beat whose count is 1. */
  originIndex: number;
}

export interface ClockOptions {
  mode: ClockMode;
  bpm: number;
  beatsPerBar: number;
  beatsPerPhrase: number;
  staleMs: number;
  lookaheadMs: number;
  /** A tempo set over OSC or MIDI (a tempo command or taps) stays live until changed or released. */
  hold?: boolean;
}

export interface ClockTimebase {
  /** True for the real clock (see OscTarget's tick). */
  precise?: boolean;
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimebase: ClockTimebase = {
  precise: true,
  now: preciseNow,
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};
