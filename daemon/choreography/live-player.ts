/**
 * Plays a blueprint live against the music clock. It waits for the next phrase start (an
 * "8-count 1"), then counts the routine beat by beat and puts cues on the bus, each timed for
 * its beat, which mapping rules with a `cue` source turn into OSC, haptics or visualization
 * events:
 *
 * | cue | when |
 * |---|---|
 * | `choreo.move` and `choreo.move.<move id>` | the first count of each move |
 * | `choreo.count.<1-8>` | every beat of the routine |
 * | `choreo.hold.<hold>` | a move that changes the hold starts (its end hold) |
 * | `choreo.end` | the beat after the last count |
 */
import type { BeatEvent } from '../clock/music-clock.js';
import type { Bus } from '../bus.js';
import type { Blueprint } from '../../models/choreography/blueprint.js';

export interface LiveStatus {
  state: 'idle' | 'waiting' | 'playing' | 'finished';
  name: string | null;
  /** Counts danced so far, of totalCounts. */
  count: number;
  totalCounts: number;
  move: { index: number; id: string; name: string; count: number } | null;
  startedAt: number | null;
}

type Routine = Pick<Blueprint, 'steps' | 'totalCounts'>;

export class LivePlayer {
  private routine: { name: string; blueprint: Routine } | undefined;
  private off: (() => void) | undefined;
  private status_: LiveStatus = { state: 'idle', name: null, count: 0, totalCounts: 0, move: null, startedAt: null };

  constructor(private readonly bus: Bus) {}

  play(name: string, blueprint: Routine): LiveStatus {
    this.stop();
    this.routine = { name, blueprint };
    this.status_ = {
      state: 'waiting',
      name,
      count: 0,
      totalCounts: blueprint.totalCounts,
      move: null,
      startedAt: null,
    };
    this.off = this.bus.on('beat', (beat) => this.onBeat(beat));
    return this.status();
  }

  stop(): LiveStatus {
    this.off?.();
    this.off = undefined;
    if (this.status_.state === 'waiting' || this.status_.state === 'playing')
      this.status_ = { ...this.status_, state: 'idle', move: null };
    return this.status();
  }

  status(): LiveStatus {
    return { ...this.status_, move: this.status_.move && { ...this.status_.move } };
  }

  private onBeat(beat: BeatEvent): void {
    const r = this.routine;
    if (!r) return;
    const s = this.status_;
    if (s.state === 'waiting') {
      if (!beat.phraseStart) return;
      s.state = 'playing';
      s.startedAt = beat.at;
    }
    const c = s.count;
    if (c >= r.blueprint.totalCounts) {
      s.state = 'finished';
      s.move = null;
      this.bus.emit('cue', { name: 'choreo.end', at: beat.at });
      this.off?.();
      this.off = undefined;
      return;
    }
    const index = r.blueprint.steps.findIndex((st) => c >= st.startCount && c < st.startCount + st.counts);
    const step = r.blueprint.steps[index];
    if (step && c === step.startCount) {
      this.bus.emit('cue', { name: 'choreo.move', at: beat.at });
      this.bus.emit('cue', { name: `choreo.move.${step.moveId}`, at: beat.at });
      if (step.from !== step.to) this.bus.emit('cue', { name: `choreo.hold.${step.to}`, at: beat.at });
    }
    this.bus.emit('cue', { name: `choreo.count.${(c % 8) + 1}`, at: beat.at });
    s.move = step ? { index, id: step.moveId, name: step.name, count: c - step.startCount + 1 } : null;
    s.count = c + 1;
  }
}
