import { describe, expect, it } from 'vitest';
import { MusicClock, type BeatEvent, type ClockOptions } from '../../../daemon/clock/music-clock.js';
import { MidiClockTracker } from '../../../drivers/midi/clock-tracker.js';
import { ManualTime } from '../../helpers/manual-time.js';

const options = (over: Partial<ClockOptions> = {}): ClockOptions => ({
  mode: 'auto',
  bpm: 120,
  beatsPerBar: 4,
  beatsPerPhrase: 8,
  staleMs: 4000,
  lookaheadMs: 100,
  ...over,
});

function rig(over: Partial<ClockOptions> = {}) {
  const time = new ManualTime();
  const beats: (BeatEvent & { announcedAt: number })[] = [];
  const clock = new MusicClock(options(over), (b) => beats.push({ ...b, announcedAt: time.now() }), time);
  return { time, beats, clock };
}

describe('music clock', () => {
  it('announces each beat lookaheadMs early with its exact time, counting 8-counts, bars and phrases', () => {
    const { time, beats, clock } = rig();
    clock.beatAt(time.now(), 'osc', 1);
    clock.start();
    time.advance(8_000);
    expect(beats.length).toBeGreaterThanOrEqual(15);
    for (const b of beats) expect(b.at - b.announcedAt).toBeCloseTo(100, 6);
    const gaps = beats.slice(1).map((b, i) => b.at - beats[i]!.at);
    for (const g of gaps) expect(g).toBeCloseTo(500, 6);
    expect(beats.slice(0, 9).map((b) => b.count)).toEqual([2, 3, 4, 5, 6, 7, 8, 1, 2]);
    const one = beats.find((b) => b.count === 1)!;
    expect(one).toMatchObject({ phraseStart: true, barStart: true, bar: 1, beatInBar: 1, phrase: 2 });
    expect(beats.find((b) => b.count === 5)).toMatchObject({
      barStart: true,
      phraseStart: false,
      bar: 2,
      beatInBar: 1,
    });
    // indices only ever increase, one per beat
    expect(beats.every((b, i) => i === 0 || b.index === beats[i - 1]!.index + 1)).toBe(true);
  });

  it('follows tempo changes without a jump in phase, and never announces a beat twice', () => {
    const { time, beats, clock } = rig();
    clock.beatAt(time.now(), 'osc', 1);
    clock.start();
    time.advance(2_050);
    clock.setTempo(150, 'osc');
    time.advance(3_000);
    const after = beats.filter((b) => b.bpm === 150);
    expect(after.length).toBeGreaterThanOrEqual(6);
    for (let i = 1; i < after.length; i++) expect(after[i]!.at - after[i - 1]!.at).toBeCloseTo(400, 6);
    const ats = beats.map((b) => b.at);
    expect(new Set(ats).size).toBe(ats.length);
    for (let i = 1; i < ats.length; i++) expect(ats[i]! - ats[i - 1]!).toBeGreaterThan(250);
  });

  it('learns a tempo from taps and takes the last tap as a beat', () => {
    const { time, clock } = rig();
    clock.start();
    for (let i = 0; i < 5; i++) {
      clock.tap(time.now(), 'osc');
      time.advance(i === 4 ? 0 : 600);
    }
    expect(clock.snapshot().bpm).toBeCloseTo(100, 6);
    expect(clock.nextBeatAfter(time.now()).at - time.now()).toBeCloseTo(600, 6);
  });

  it('gives MIDI clock priority over OSC in auto mode, and falls back when MIDI goes quiet', () => {
    const { time, clock } = rig();
    clock.start();
    expect(clock.setTempo(128, 'midi')).toBe(true);
    expect(clock.setTempo(90, 'osc')).toBe(false);
    expect(clock.snapshot()).toMatchObject({ bpm: 128, source: 'midi' });
    time.advance(5_000);
    expect(clock.snapshot()).toMatchObject({ bpm: 120, source: 'fallback' });
    expect(clock.setTempo(90, 'osc')).toBe(true);
  });

  it('follows MIDI clock bytes through the tracker: tempo changes, start and stop', () => {
    const { time, beats, clock } = rig();
    const tracker = new MidiClockTracker();
    clock.start();
    const feed = (bytes: number[]) => {
      for (const e of tracker.feed(bytes, time.now())) {
        if (e.type === 'tempo') clock.setTempo(e.bpm, 'midi');
        else if (e.type === 'beat') clock.beatAt(e.atMs, 'midi', (e.beat % 8) + 1);
        else clock.transport(e.type, e.atMs, 'midi');
      }
    };
    feed([0xfa]);
    const play = (bpm: number, beatsToPlay: number) => {
      const tick = 60_000 / bpm / 24;
      for (let i = 0; i < beatsToPlay * 24; i++) {
        feed([0xf8]);
        time.advance(tick);
      }
    };
    play(100, 8);
    expect(clock.snapshot()).toMatchObject({ source: 'midi' });
    expect(clock.snapshot().bpm).toBeCloseTo(100, 0);
    play(140, 8);
    expect(clock.snapshot().bpm).toBeCloseTo(140, 0);
    const late = beats.slice(-4);
    for (let i = 1; i < late.length; i++) expect(late[i]!.at - late[i - 1]!.at).toBeCloseTo(60_000 / 140, 0);
    feed([0xfc]);
    const n = beats.length;
    time.advance(1_000);
    expect(beats.length).toBe(n);
  });

  it('in a fixed source mode ignores every live source', () => {
    const { clock } = rig({ mode: 'fixed' });
    expect(clock.setTempo(150, 'midi')).toBe(false);
    expect(clock.tap(0, 'osc')).toBe(false);
    expect(clock.snapshot().bpm).toBe(120);
  });
});

describe('a tempo set from the desk', () => {
  it('holds until changed or released, instead of lapsing after staleMs (clock.hold)', () => {
    const { time, beats, clock } = rig({ hold: true });
    clock.start();
    clock.setTempo(96, 'osc');
    time.advance(20_000); // five times staleMs without another word from the desk
    expect(clock.snapshot()).toMatchObject({ source: 'osc', bpm: 96 });
    expect(beats.at(-1)!.bpm).toBe(96);
    clock.release('osc');
    time.advance(1000);
    expect(clock.snapshot()).toMatchObject({ source: 'fallback', bpm: 120 });
  });

  it('lapses after staleMs when hold is off', () => {
    const { time, clock } = rig({ hold: false });
    clock.start();
    clock.setTempo(96, 'osc');
    time.advance(5000);
    expect(clock.snapshot()).toMatchObject({ source: 'fallback', bpm: 120 });
  });

  it('holds a tempo tapped in, too', () => {
    const { time, clock } = rig({ hold: true });
    clock.start();
    for (let i = 0; i < 4; i++) {
      clock.tap(time.now(), 'osc');
      time.advance(600);
    }
    time.advance(20_000);
    expect(clock.snapshot().source).toBe('osc');
    expect(clock.snapshot().bpm).toBeCloseTo(100, 6);
  });
});
