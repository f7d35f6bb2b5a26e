import { describe, expect, it } from 'vitest';
import { HealthRegistry } from '../../../drivers/health/registry.js';
import type { DeviceInfo, Sample } from '../../../config/signals.js';
import { SimulatedVenueDriver, type SimClock } from '../../../drivers/sim/venue-driver.js';

/** A manual clock: the test moves time, the driver's tick runs synchronously. */
function manualClock(start: number) {
  let now = start;
  let tick: (() => void) | undefined;
  let every = 0;
  const clock: SimClock = {
    now: () => now,
    every(ms, fn) {
      every = ms;
      tick = fn;
      return () => (tick = undefined);
    },
  };
  return {
    clock,
    advance(ms: number) {
      for (let t = 0; t < ms; t += every) {
        now += every;
        tick?.();
      }
    },
    get running() {
      return tick !== undefined;
    },
  };
}

function runVenue(seconds: number, seed = 1, crowd: { bpm?: number; mood?: number } = {}) {
  const samples: Sample[] = [];
  const devices: DeviceInfo[] = [];
  const health = new HealthRegistry(() => 0);
  const mc = manualClock(1_700_000_000_000);
  const driver = new SimulatedVenueDriver(
    {
      dancers: 3,
      seed,
      imuRateHz: 50,
      bpm: crowd.bpm ?? 128,
      ...(crowd.mood === undefined ? {} : { mood: crowd.mood }),
    },
    { emit: (s) => samples.push(s), announce: (d) => devices.push(d), health },
    mc.clock,
  );
  return { samples, devices, health, mc, driver, seconds };
}

describe('simulated venue', () => {
  it('announces one wristband per dancer and streams each signal at its rate', async () => {
    const v = runVenue(60);
    await v.driver.start(new AbortController().signal);
    v.mc.advance(60_000);
    expect(v.devices.map((d) => d.key)).toEqual(['sim-band-001', 'sim-band-002', 'sim-band-003']);
    const of = (kind: Sample['kind'], key = 'sim-band-001') =>
      v.samples.filter((s) => s.kind === kind && s.deviceKey === key);
    expect(of('heart_rate')).toHaveLength(60); // 1 Hz
    // 4 Hz from the first instant: samples at t0, t0+0.25 s, ..., t0+60 s
    expect(of('eda')).toHaveLength(241);
    expect(of('skin_temp')).toHaveLength(241);
    const acc = of('raw') as Extract<Sample, { kind: 'raw' }>[];
    expect(acc.reduce((n, b) => n + b.values.length / 3, 0)).toBe(3001); // 50 Hz, same convention
    // contiguous stream indices: no sample lost or repeated between blocks
    acc.forEach((b, i) => i > 0 && expect(b.firstIndex).toBe(acc[i - 1]!.firstIndex + acc[i - 1]!.values.length / 3));
    expect(v.health.get('sim-band-001')?.state).toBe('connected');
    await v.driver.stop();
    expect(v.mc.running).toBe(false);
    expect(v.health.get('sim-band-001')?.state).toBe('stopped');
  });

  it('produces physiologically plausible values, with RR intervals consistent with the heart rate', async () => {
    const v = runVenue(120);
    await v.driver.start(new AbortController().signal);
    v.mc.advance(120_000);
    for (const s of v.samples) {
      if (s.kind === 'heart_rate') {
        expect(s.bpm).toBeGreaterThanOrEqual(55);
        expect(s.bpm).toBeLessThanOrEqual(200);
        for (const rr of s.rr1024) expect(Math.abs((60 * 1024) / rr - s.bpm)).toBeLessThan(s.bpm * 0.2);
      }
      if (s.kind === 'eda') expect(s.value).toBeGreaterThan(0);
      if (s.kind === 'skin_temp') expect(s.value).toBeGreaterThan(30);
    }
    const beats = v.samples
      .filter((s) => s.kind === 'heart_rate' && s.deviceKey === 'sim-band-002')
      .flatMap((s) => (s.kind === 'heart_rate' ? s.rr1024 : []));
    const totalS = beats.reduce((a, b) => a + b, 0) / 1024;
    expect(totalS).toBeGreaterThan(110); // beats cover the two minutes
    expect(totalS).toBeLessThan(121);
  });

  it('is reproducible from its seed, and differs across seeds', async () => {
    const a = runVenue(5, 42);
    const b = runVenue(5, 42);
    const c = runVenue(5, 43);
    for (const v of [a, b, c]) {
      await v.driver.start(new AbortController().signal);
      v.mc.advance(5000);
    }
    const digest = (s: Sample[]) => JSON.stringify(s.map((x) => (x.kind === 'raw' ? Array.from(x.values) : x)));
    expect(digest(a.samples)).toBe(digest(b.samples));
    expect(digest(a.samples)).not.toBe(digest(c.samples));
  });

  it('stops when its start signal aborts', async () => {
    const v = runVenue(1);
    const ac = new AbortController();
    await v.driver.start(ac.signal);
    ac.abort();
    expect(v.mc.running).toBe(false);
  });

  it('responds to the crowd mood: a wild crowd works harder than a calm one', async () => {
    const meanHr = async (mood: number): Promise<number> => {
      const v = runVenue(300, 1, { mood });
      await v.driver.start(new AbortController().signal);
      v.mc.advance(300_000);
      await v.driver.stop();
      const hr = v.samples
        .filter((s) => s.kind === 'heart_rate' && s.index >= 120)
        .map((s) => (s.kind === 'heart_rate' ? s.bpm : 0));
      return hr.reduce((a, b) => a + b, 0) / hr.length;
    };
    const calm = await meanHr(0);
    const wild = await meanHr(1);
    expect(wild - calm).toBeGreaterThan(20);
  });

  it('moves to the music: wrist bounce follows the tempo, and a live tempo change is followed', async () => {
    // Power of the vertical acceleration at the bounce frequency (twice the beat: sin² per beat).
    const power = (z: number[], rateHz: number, bpm: number): number => {
      const w = (2 * Math.PI * 2 * bpm) / 60 / rateHz;
      let re = 0;
      let im = 0;
      z.forEach((v, i) => {
        re += v * Math.cos(w * i);
        im += v * Math.sin(w * i);
      });
      return Math.hypot(re, im) / z.length;
    };
    const v = runVenue(20, 2, { bpm: 100 });
    await v.driver.start(new AbortController().signal);
    v.mc.advance(20_000);
    const zOf = (from: number) =>
      v.samples.flatMap((s) =>
        s.kind === 'raw' && s.deviceKey === 'sim-band-001' && s.firstIndex >= from
          ? Array.from(s.values.filter((_, i) => i % 3 === 2))
          : [],
      );
    const slow = zOf(0);
    expect(power(slow, 50, 100)).toBeGreaterThan(3 * power(slow, 50, 140));
    v.driver.setTempo(140);
    const before = v.samples.length;
    v.mc.advance(20_000);
    await v.driver.stop();
    const fast = v.samples
      .slice(before)
      .flatMap((s) =>
        s.kind === 'raw' && s.deviceKey === 'sim-band-001' ? Array.from(s.values.filter((_, i) => i % 3 === 2)) : [],
      );
    expect(power(fast, 50, 140)).toBeGreaterThan(3 * power(fast, 50, 100));
  });
});
