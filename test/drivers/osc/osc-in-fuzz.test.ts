/**
 * OSC in, whole path: datagram → decoder → command dispatch → clock, presets, mapping rules and
 * haptics. The shared malformed vectors, random bytes, and random messages to the box's own
 * addresses with random arguments: nothing throws, every datagram is accounted for, and the
 * state the commands touch stays valid.
 */
import type { RemoteInfo } from 'node:dgram';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import osc from 'osc';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../config/index.js';
import { MusicClock } from '../../../daemon/clock/music-clock.js';
import { LiveMapping } from '../../../daemon/mapping/live-mapping.js';
import { dispatch } from '../../../daemon/osc/commands.js';
import type { HapticOutput, HapticPulse } from '../../../drivers/haptic.js';
import { HealthRegistry } from '../../../drivers/health/registry.js';
import { OscInDriver } from '../../../drivers/osc/osc-in.js';
import { readJsonl } from '../../helpers/data.js';
import { ManualTime } from '../../helpers/manual-time.js';

const from: RemoteInfo = { address: '10.0.0.9', port: 53000, family: 'IPv4', size: 0 };
const writer = osc as { writePacket(p: unknown, o: object): Uint8Array };

function rig() {
  const config = configSchema.parse({
    mapping: {
      presets: {
        warm: {
          kind: 'visualization',
          rules: [{ id: 'w', source: { kind: 'crowd', metric: 'energy' }, target: { kind: 'osc', address: '/warm' } }],
        },
      },
    },
  });
  const sqlite = new Database(':memory:');
  sqlite.exec(
    'CREATE TABLE box_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); CREATE TABLE sound_presets (id INTEGER PRIMARY KEY, name TEXT, parameters TEXT); CREATE TABLE visualization_presets (id INTEGER PRIMARY KEY, name TEXT, parameters TEXT);',
  );
  let applied = 0;
  const mapping = new LiveMapping(config.mapping, sqlite, () => applied++);
  const time = new ManualTime();
  const clock = new MusicClock({ ...config.clock, mode: 'auto' }, () => undefined, time);
  const pulses: HapticPulse[] = [];
  const haptic = {
    name: 'floor',
    channels: 4,
    pulse: (p: HapticPulse) => (pulses.push(p), Promise.resolve({ ok: true as const, latencyMs: 0, attempts: 1 })),
  } as unknown as HapticOutput;
  const health = new HealthRegistry();
  const driver = new OscInDriver({ host: '127.0.0.1', port: 0 }, health, (m) =>
    dispatch(m, { clock, mapping, haptics: new Map([['floor', haptic]]), now: time.now }),
  );
  const send = (m: { address: string; args: unknown[] }) =>
    driver.receive(writer.writePacket(m, { metadata: true }), from);
  return { driver, health, clock, mapping, pulses, send, applied: () => applied };
}

describe('OSC in commands', () => {
  it('sets tempo, beat and phrase position, presets, mapping parameters and haptic pulses', () => {
    const r = rig();
    r.send({ address: '/codance/clock/tempo', args: [{ type: 'f', value: 97 }] });
    expect(r.clock.snapshot()).toMatchObject({ bpm: 97, source: 'osc' });
    r.send({ address: '/codance/clock/beat', args: [{ type: 'i', value: 5 }] });
    expect(r.clock.snapshot().originIndex).toBe(r.clock.snapshot().anchorIndex - 4);
    r.send({ address: '/codance/preset/visualization', args: [{ type: 's', value: 'warm' }] });
    expect(r.mapping.activePresets()).toEqual({ sound: null, visualization: 'warm' });
    expect(r.mapping.effective().map((x) => x.id)).toContain('visualization.warm.w');
    r.send({ address: '/codance/mapping/crowd-energy/smoothing_ms', args: [{ type: 'f', value: 250 }] });
    expect(r.mapping.rules().find((x) => x.id === 'crowd-energy')?.scale.smoothingMs).toBe(250);
    r.send({
      address: '/codance/haptic/floor/pulse',
      args: [
        { type: 'i', value: 2 },
        { type: 'f', value: 0.5 },
        { type: 's', value: 'heartbeat' },
      ],
    });
    expect(r.pulses).toEqual([{ channel: 2, intensity: 0.5, pattern: 'heartbeat', durationMs: 120 }]);
    expect(r.driver.stats).toMatchObject({ datagrams: 5, messages: 5, malformed: 0, rejected: 0 });
  });

  it('rejects wrong arguments and unknown names with the reason, changing nothing', () => {
    const r = rig();
    r.send({ address: '/codance/clock/tempo', args: [{ type: 's', value: 'fast' }] });
    r.send({ address: '/codance/clock/tempo', args: [{ type: 'f', value: 1000 }] });
    r.send({ address: '/codance/preset/sound', args: [{ type: 's', value: 'nope' }] });
    r.send({ address: '/codance/haptic/floor/pulse', args: [{ type: 'i', value: 9 }] });
    r.send({ address: '/codance/mapping/dancer-hit/threshold_off', args: [{ type: 'f', value: 0.9 }] });
    r.send({ address: '/elsewhere', args: [] });
    expect(r.driver.stats).toMatchObject({ messages: 6, rejected: 6 });
    expect(r.clock.snapshot().bpm).toBe(120);
    expect(r.mapping.activePresets()).toEqual({ sound: null, visualization: null });
    expect(r.health.get('osc:in')?.lastError).toBe(
      '/elsewhere from 10.0.0.9: unknown address (the box listens under /codance; see its OSCQuery)',
    );
    // off above on is refused as it would be in a whole rule
    expect(r.mapping.rules().find((x) => x.id === 'dancer-hit')?.scale.threshold).toEqual({ on: 0.46875, off: 0.25 });
  });

  it('counts and drops the shared malformed vectors', () => {
    const r = rig();
    const bad = readJsonl<{ hex: string; error?: string }>('osc', 'osc_vectors.jsonl').filter((v) => v.error);
    for (const v of bad) r.driver.receive(Buffer.from(v.hex, 'hex'), from);
    expect(r.driver.stats.malformed + r.driver.stats.rejected).toBeGreaterThanOrEqual(bad.length);
    expect(r.health.get('osc:in')?.errors?.malformed).toBe(r.driver.stats.malformed);
  });

  it('survives random datagrams and random messages to its own addresses', () => {
    const r = rig();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        r.driver.receive(bytes, from);
      }),
      { numRuns: 1500 },
    );
    const address = fc.constantFrom(
      '/codance/clock/tempo',
      '/codance/clock/tap',
      '/codance/clock/beat',
      '/codance/clock/start',
      '/codance/clock/stop',
      '/codance/preset/sound',
      '/codance/preset/visualization',
      '/codance/haptic/floor/pulse',
      '/codance/haptic/x/pulse',
      '/codance/mapping/crowd-energy/enabled',
      '/codance/mapping/crowd-energy/out_max',
      '/codance/mapping/beat/threshold_on',
      '/codance/mapping/x/y',
      '/codance',
    );
    const arg = fc.oneof(
      fc.double().map((value) => ({ type: 'f', value })),
      fc.integer().map((value) => ({ type: 'i', value })),
      fc.string({ maxLength: 20 }).map((value) => ({ type: 's', value })),
      fc.constant({ type: 'T', value: true }),
      fc.constant({ type: 'F', value: false }),
      fc.uint8Array({ maxLength: 8 }).map((value) => ({ type: 'b', value })),
    );
    fc.assert(
      fc.property(address, fc.array(arg, { maxLength: 5 }), (a, args) => {
        r.send({ address: a, args });
        const s = r.clock.snapshot();
        expect(s.bpm).toBeGreaterThanOrEqual(20);
        expect(s.bpm).toBeLessThanOrEqual(400);
        for (const p of r.pulses)
          expect(p.intensity >= 0 && p.intensity <= 1 && p.channel >= 0 && p.channel < 4).toBe(true);
      }),
      { numRuns: 3000 },
    );
    const st = r.driver.stats;
    expect(st.datagrams).toBe(4500);
    expect(st.messages).toBeGreaterThanOrEqual(3000);
    // Whatever was applied left a rule set that still validates as a whole.
    expect(r.mapping.rules().length).toBeGreaterThan(0);
  });
});
