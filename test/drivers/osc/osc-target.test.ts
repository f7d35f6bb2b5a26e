/**
 * An OSC target's own timing: values held and resent at its rate within a short budget shared
 * round-robin, held values let go 5 s after their last sample, and a beat-timed OLA frame
 * sent at the beat.
 */
import { describe, expect, it } from 'vitest';
import { HealthRegistry } from '../../../drivers/health/registry.js';
import { ManualTime } from '../../helpers/manual-time.js';
import { TARGET_OPTIONS, capturingTarget as target } from '../../helpers/osc-capture.js';
import type { OutArg } from '../../../drivers/osc/encode.js';
import { OscTarget } from '../../../drivers/osc/osc-target.js';

describe('a target that holds its values', () => {
  it('resends every held value at its rate between samples, and shares a short budget round-robin', () => {
    const time = new ManualTime();
    const health = new HealthRegistry();
    const { t, messages } = target(time, { hold: true, rateHz: 10, maxMessagesPerS: 10 }, health);
    for (const a of ['/a', '/b', '/c']) t.set(a, { type: 'f', value: 1 });
    // 30 ticks in 3 s, 3 addresses each: 90 wanted, 10 (the full bucket) + 30 allowed.
    for (let i = 0; i < 30; i++) {
      time.advance(100);
      t.flush();
    }
    const count = (a: string) => messages().filter((m) => m.address === a).length;
    expect(count('/a') + count('/b') + count('/c')).toBeLessThanOrEqual(41);
    // Every address got its turn, none starved.
    for (const a of ['/a', '/b', '/c']) expect(count(a)).toBeGreaterThanOrEqual(12);
    expect(health.get('osc:t')?.errors?.deferred).toBeGreaterThan(0);
  });

  it('stops resending a value 5 s after its last sample (it still goes out with the once-a-second refresh)', () => {
    const time = new ManualTime();
    const { t, messages } = target(time, { hold: true, rateHz: 10 });
    t.set('/a', { type: 'f', value: 1 });
    for (let i = 0; i < 100; i++) {
      time.advance(100);
      t.flush();
    }
    // ~50 in the first 5 s, then one a second.
    const n = messages().length;
    expect(n).toBeGreaterThanOrEqual(50);
    expect(n).toBeLessThanOrEqual(57);
  });
});

describe('beat-timed DMX over OSC', () => {
  it('changes the channel and sends the frame at the beat, not at the next tick or when the beat was announced', () => {
    const time = new ManualTime();
    const { t, packets, messages } = target(time, { rateHz: 10 });
    t.setDmx('/dmx/universe/1', 5, 255, undefined, time.now() + 100);
    time.advance(99);
    expect(packets).toHaveLength(0);
    time.advance(1);
    const [frame] = messages();
    expect(frame?.address).toBe('/dmx/universe/1');
    expect((frame?.args[0] as { value: Uint8Array }).value[4]).toBe(255);
  });
});

describe('the message budget', () => {
  it('keeps within its message budget: triggers over it are dropped and counted', () => {
    const time = new ManualTime();
    const health = new HealthRegistry();
    let sent = 0;
    const target = new OscTarget(
      { ...TARGET_OPTIONS, rateHz: 30, maxMessagesPerS: 10 },
      { send: () => (sent++, true), start: () => undefined, stop: () => Promise.resolve() },
      health,
      time,
    );
    const arg: OutArg = { type: 'f', value: 1 };
    const accepted = Array.from({ length: 25 }, () => target.trigger('/t', [arg])).filter(Boolean).length;
    expect(accepted).toBe(10);
    expect(health.get('osc:t')?.errors).toEqual({ rate_limited: 15 });
    time.advance(500);
    expect(target.trigger('/t', [arg])).toBe(true);
    expect(sent).toBe(11);
  });
});
