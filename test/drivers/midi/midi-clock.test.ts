/** MIDI clock in: real clock bytes fed through the binding boundary (no ALSA exists here). */
import { describe, expect, it } from 'vitest';
import { HealthRegistry } from '../../../drivers/health/registry.js';
import type { MidiInputPort } from '../../../drivers/midi/binding.js';
import { MidiClockInDriver } from '../../../drivers/midi/clock-in-driver.js';
import { MidiClockTracker, type ClockEvent } from '../../../drivers/midi/clock-tracker.js';
import { waitFor } from '../../helpers/wait.js';

/** A MIDI input port at the binding boundary: whatever bytes the test plays arrive as messages. */
function fakePort() {
  let deliver: ((bytes: number[]) => void) | undefined;
  const port: MidiInputPort = { onMessage: (fn) => void (deliver = fn), close: () => undefined };
  return { port, play: (bytes: number[]) => deliver?.(bytes) };
}

describe('MIDI clock', () => {
  it('follows the tempo from 24 ppqn ticks, through a change, and counts beats only while running', () => {
    const t = new MidiClockTracker();
    const events: ClockEvent[] = [];
    let at = 0;
    const ticks = (bpm: number, beats: number) => {
      const dt = 60_000 / bpm / 24;
      for (let i = 0; i < beats * 24; i++) events.push(...t.feed([0xf8], (at += dt + ((i % 3) - 1) * 0.3))); // zero-mean jitter
    };
    ticks(120, 2); // free-running clock before Start: tempo known, no beats
    expect(t.bpm).toBeCloseTo(120, 0);
    expect(events.some((e) => e.type === 'beat')).toBe(false);
    events.push(...t.feed([0xfa], at));
    ticks(120, 4);
    expect(events.filter((e) => e.type === 'beat').map((e) => (e as { beat: number }).beat)).toEqual([0, 1, 2, 3]);
    ticks(92, 2);
    expect(t.bpm).toBeCloseTo(92, 0);
    const tempos = events.filter((e) => e.type === 'tempo').map((e) => (e as { bpm: number }).bpm);
    expect(tempos[0]).toBeCloseTo(120, 0);
    expect(tempos.at(-1)).toBeCloseTo(92, 0);
    events.push(...t.feed([0xfc], at));
    const beatsBefore = events.filter((e) => e.type === 'beat').length;
    ticks(92, 1);
    expect(events.filter((e) => e.type === 'beat')).toHaveLength(beatsBefore);
    t.feed([0xf2, 8, 0], at); // Song Position: 8 sixteenths = beat 2
    t.feed([0xfb], at);
    expect(t.position).toEqual({ beat: 2, tick: 0 });
    expect(t.feed([0x90, 60, 100], at)).toEqual([]); // a note is not clock
    expect(t.feed([], at)).toEqual([]);
  });

  it('the driver turns bytes from the port into clock events', async () => {
    const health = new HealthRegistry();
    const events: ClockEvent[] = [];
    const { port, play } = fakePort();
    let now = 0;
    const d = new MidiClockInDriver(
      { port: 'Desk', retryMs: 50 },
      health,
      (e) => events.push(e),
      () => Promise.resolve(port),
      () => now,
    );
    await d.start(new AbortController().signal);
    await waitFor(() => health.get('midi:clock-in')?.state === 'connected', 'port open');
    play([0xfa]);
    for (let i = 0; i < 48; i++) {
      now += 60_000 / 100 / 24;
      play([0xf8]);
    }
    expect(events[0]).toMatchObject({ type: 'start' });
    expect(events.filter((e) => e.type === 'beat')).toHaveLength(2);
    expect(d.tracker.bpm).toBeCloseTo(100, 0);
    await d.stop();
  });

  it('without ALSA (or the port), reports MIDI unavailable with the reason and keeps trying until it appears', async () => {
    const health = new HealthRegistry();
    let attempts = 0;
    const { port } = fakePort();
    const open = () =>
      ++attempts < 3 ? Promise.reject(new Error('Failed to initialise RtMidi')) : Promise.resolve(port);
    const d = new MidiClockInDriver({ port: 'Desk', retryMs: 20 }, health, () => undefined, open);
    await d.start(new AbortController().signal);
    expect(health.get('midi:clock-in')).toMatchObject({
      state: 'unavailable',
      detail: expect.stringContaining('Failed to initialise RtMidi') as unknown,
    });
    await waitFor(() => health.get('midi:clock-in')?.state === 'connected', 'port appears on the third try');
    expect(attempts).toBe(3);
    await d.stop();
  });
});
