/**
 * The music clock: one tempo and one beat grid for the whole box, followed from whichever
 * source is live (MIDI clock in, OSC in, line-in beat tracking, a playing song), falling back
 * to the simulated venue or a fixed tempo. Beats are announced `lookaheadMs` before they fall,
 * each carrying its exact time, so outputs can schedule to land on it (OSC bundle time tags,
 * haptic lead). Times are wall-clock milliseconds with sub-ms precision (see `preciseNow`).
 */

import {
  CLOCK_SOURCES,
  preciseNow,
  realTimebase,
  type BeatEvent,
  type ClockMode,
  type ClockOptions,
  type ClockSource,
  type ClockState,
  type ClockTimebase,
} from './clock-types.js';

export { CLOCK_SOURCES, preciseNow, realTimebase };
export type { BeatEvent, ClockMode, ClockOptions, ClockSource, ClockState, ClockTimebase };

const PRIORITY: Record<ClockSource, number> = { midi: 4, osc: 3, song: 2, audio: 1, fallback: 0 };
const TAP_WINDOW_MS = 2000;

export class MusicClock {
  readonly name = 'clock';
  private state: ClockState;
  private lastHeard = new Map<ClockSource, number>();
  /** Sources whose tempo was set by hand and holds until changed or released. */
  private readonly held = new Set<ClockSource>();
  private lastEmittedAt = -Infinity;
  private nextIndex = 0;
  private timer: unknown;
  private taps: number[] = [];
  private stopped = true;
  beats = 0;

  constructor(
    private readonly options: ClockOptions,
    private readonly onBeat: (beat: BeatEvent) => void,
    private readonly time: ClockTimebase = realTimebase,
  ) {
    this.state = {
      bpm: options.bpm,
      source: 'fallback',
      running: true,
      anchorAt: time.now(),
      anchorIndex: 0,
      originIndex: 0,
    };
  }

  start(_signal?: AbortSignal): void {
    this.stopped = false;
    this.nextIndex = this.indexAfter(this.time.now());
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.time.clearTimeout(this.timer);
    this.timer = undefined;
  }

  snapshot(): ClockState & { live: ClockSource[] } {
    const now = this.time.now();
    return {
      ...this.state,
      live: CLOCK_SOURCES.filter((s) => s === 'fallback' || this.isLive(s, now)),
    };
  }

  get periodMs(): number {
    return 60_000 / this.state.bpm;
  }

  /** Time of beat `index` on the current grid. */
  beatTime(index: number): number {
    return this.state.anchorAt + (index - this.state.anchorIndex) * this.periodMs;
  }

  /** The first beat strictly after `t` (with the beat at t itself counting as passed). */
  nextBeatAfter(t: number): { index: number; at: number } {
    const index = this.indexAfter(t);
    return { index, at: this.beatTime(index) };
  }

  /** What the crowd pipeline needs: tempo, and a beat time in seconds. */
  tempo(): { bpm: number; originS: number } {
    return { bpm: this.state.bpm, originS: this.state.anchorAt / 1000 };
  }

  /** The simulated venue (or config) sets the fallback grid; any live source overrides it. */
  setFallback(bpm: number, anchorAt?: number): void {
    this.options.bpm = bpm;
    if (this.state.source !== 'fallback') return;
    this.regrid(bpm, anchorAt ?? this.state.anchorAt, 'fallback');
  }

  setTempo(bpm: number, source: ClockSource): boolean {
    if (!this.accept(source) || !(bpm >= 20 && bpm <= 400)) return false;
    // Keep the phase: the beat now in progress keeps its place, later beats move.
    const now = this.time.now();
    const prev = Math.floor((now - this.state.anchorAt) / this.periodMs) + this.state.anchorIndex;
    this.regrid(bpm, this.beatTime(prev), source, prev);
    this.hold(source);
    return true;
  }

  private hold(source: ClockSource): void {
    if (this.options.hold && (source === 'osc' || source === 'midi')) this.held.add(source);
  }

  private isLive(source: ClockSource, now: number): boolean {
    return this.held.has(source) || now - (this.lastHeard.get(source) ?? -Infinity) < this.options.staleMs;
  }

  /**
   * A beat observed at `at` (a MIDI quarter note, an OSC beat, a tracked onset, a song's beat).
   * With `count` (1..beatsPerPhrase) the phrase position is set too: "this is the 1".
   */
  beatAt(at: number, source: ClockSource, count?: number): boolean {
    if (!this.accept(source)) return false;
    const index = Math.round((at - this.state.anchorAt) / this.periodMs) + this.state.anchorIndex;
    this.state.anchorAt = at;
    this.state.anchorIndex = index;
    if (count !== undefined) this.state.originIndex = index - (count - 1);
    this.state.running = true;
    this.reschedule();
    return true;
  }

  /** A source that has ended (a song stopped) gives way at once instead of after `staleMs`. */
  release(source: ClockSource): void {
    this.lastHeard.delete(source);
    this.held.delete(source);
    if (this.state.source !== source) return;
    this.fallBack();
    this.reschedule();
  }

  /** Tap tempo: the median spacing of recent taps, with the last tap as the beat. */
  tap(at: number, source: ClockSource = 'osc'): boolean {
    if (!this.accept(source)) return false;
    this.taps = this.taps.filter((t) => at - t < TAP_WINDOW_MS * 4).slice(-7);
    if (this.taps.length > 0 && at - this.taps[this.taps.length - 1]! > TAP_WINDOW_MS) this.taps = [];
    this.taps.push(at);
    if (this.taps.length >= 2) {
      const gaps = this.taps
        .slice(1)
        .map((t, i) => t - this.taps[i]!)
        .sort((a, b) => a - b);
      const bpm = 60_000 / gaps[Math.floor(gaps.length / 2)]!;
      if (bpm >= 20 && bpm <= 400) this.state.bpm = bpm;
      this.hold(source);
    }
    return this.beatAt(at, source);
  }

  /** Transport: Start counts from 1 on the next beat, Stop silences beats, Continue resumes. */
  transport(kind: 'start' | 'stop' | 'continue', at: number, source: ClockSource): boolean {
    if (!this.accept(source)) return false;
    if (kind === 'stop') {
      this.state.running = false;
    } else {
      this.state.running = true;
      if (kind === 'start') {
        // MIDI Start: the first clock tick after it is the downbeat.
        const index = this.indexAfter(this.lastEmittedAt);
        this.state.anchorAt = at;
        this.state.anchorIndex = index;
        this.state.originIndex = index;
      }
    }
    this.reschedule();
    return true;
  }

  /** Only the chosen source, or in auto mode the highest-priority live one, moves the clock. */
  private accept(source: ClockSource): boolean {
    const now = this.time.now();
    if (this.options.mode !== 'auto') {
      const wanted = this.options.mode === 'fixed' ? 'fallback' : this.options.mode;
      if (source !== wanted) return false;
    } else {
      for (const s of CLOCK_SOURCES) {
        if (PRIORITY[s] > PRIORITY[source] && this.isLive(s, now)) return false;
      }
    }
    this.lastHeard.set(source, now);
    this.state.source = source;
    return true;
  }

  private regrid(bpm: number, anchorAt: number, source: ClockSource, anchorIndex?: number): void {
    const index = anchorIndex ?? Math.round((anchorAt - this.state.anchorAt) / this.periodMs) + this.state.anchorIndex;
    this.state = { ...this.state, bpm, anchorAt, anchorIndex: index, source };
    this.reschedule();
  }

  private indexAfter(t: number): number {
    return Math.floor((t - this.state.anchorAt) / this.periodMs + 1e-9) + this.state.anchorIndex + 1;
  }

  private reschedule(): void {
    if (this.stopped) return;
    // Never announce a beat twice: the next beat is the first one clearly after the last announced.
    this.nextIndex = this.indexAfter(Math.max(this.lastEmittedAt + this.periodMs / 2, this.time.now() - 1));
    this.schedule();
  }

  private schedule(): void {
    if (this.timer !== undefined) this.time.clearTimeout(this.timer);
    this.timer = undefined;
    if (this.stopped) return;
    // Fall back to the configured grid when every live source has gone quiet.
    if (this.state.source !== 'fallback' && !this.isLive(this.state.source, this.time.now())) this.fallBack();
    const at = this.beatTime(this.nextIndex);
    const wait = Math.max(0, at - this.options.lookaheadMs - this.time.now());
    this.timer = this.time.setTimeout(() => this.fire(), wait);
  }

  private fallBack(): void {
    this.state.source = 'fallback';
    this.state.running = true;
    if (this.options.mode === 'auto' || this.options.mode === 'fixed') this.state.bpm = this.options.bpm;
  }

  private fire(): void {
    this.timer = undefined;
    const index = this.nextIndex;
    const at = this.beatTime(index);
    if (this.state.running && at > this.lastEmittedAt + this.periodMs / 2) {
      this.lastEmittedAt = at;
      this.beats++;
      this.onBeat(this.describe(index, at));
    }
    this.nextIndex = index + 1;
    this.schedule();
  }

  /** Everything about beat `index` on the current grid (its count, bar, phrase). */
  describe(index: number, at = this.beatTime(index)): BeatEvent {
    const { beatsPerBar, beatsPerPhrase } = this.options;
    const rel = index - this.state.originIndex;
    const inPhrase = ((rel % beatsPerPhrase) + beatsPerPhrase) % beatsPerPhrase;
    return {
      index,
      count: inPhrase + 1,
      beatInBar: (inPhrase % beatsPerBar) + 1,
      bar: Math.floor(inPhrase / beatsPerBar) + 1,
      phrase: Math.floor(rel / beatsPerPhrase) + 1,
      barStart: inPhrase % beatsPerBar === 0,
      phraseStart: inPhrase === 0,
      at,
      bpm: this.state.bpm,
      source: this.state.source,
    };
  }
}
