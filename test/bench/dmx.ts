/**
 * Beat-timed DMX at the receiver: a wash light's dimmer changes on every beat (announced 100 ms
 * ahead, as the music clock does), sent over sACN to a separate receiving process that stamps
 * when slot 1 changed. Lateness = arrival − beat, on one monotonic clock. Baseline: the same
 * change made at the beat but left for the steady 44 Hz refresh to carry, which is how a
 * continuous value travels.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { dmxSchema } from '../../config/dmx.js';
import { realTimebase } from '../../daemon/clock/music-clock.js';
import { DmxRig } from '../../daemon/room/dmx-rig.js';
import { HealthRegistry } from '../../drivers/health/registry.js';
import { monoMs, pct } from './figure.js';

export interface DmxBeatFigures {
  beats: number;
  missed: number;
  p50: number;
  p99: number;
  max: number;
  refreshP50: number;
  refreshP99: number;
}

async function run(beats: number, atBeat: boolean): Promise<{ lateness: number[]; missed: number }> {
  // At a higher priority than the sender, so the receiver's own wake-up is not what is measured.
  const receiver = spawn(
    'nice',
    ['-n', '-10', process.execPath, '--import', 'tsx', join(import.meta.dirname, 'dmx-receiver.ts')],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  let out = '';
  receiver.stdout.on('data', (d: Buffer) => (out += d.toString()));
  while (!out.includes('ready')) await new Promise((r) => setTimeout(r, 10));
  const rig = new DmxRig(
    dmxSchema.parse({
      outputs: [{ name: 'wash', protocol: 'sacn', host: '127.0.0.1', universes: [1] }],
      fixtures: [{ name: 'wash', universe: 1, address: 1, profile: 'dimmer', slots: '1', holdMs: 600_000 }],
    }),
    new HealthRegistry(),
    realTimebase,
  );
  for (const o of rig.outputs) o.start();
  const beatsAt: { mono: number; value: number }[] = [];
  for (let i = 0; i < beats; i++) {
    // The clock puts a beat on the bus 100 ms before it falls.
    const wall = realTimebase.now() + 100;
    const mono = monoMs() + 100;
    const value = i % 2 === 0 ? 1 : 0.2;
    beatsAt.push({ mono, value: Math.round(value * 255) });
    if (atBeat) rig.set('wash', 'all', 'dimmer', value, wall);
    else setTimeout(() => rig.patch.set('wash', 'all', 'dimmer', value, realTimebase.now()), wall - realTimebase.now());
    await new Promise((r) => setTimeout(r, 250 + (i % 7) * 13));
  }
  await new Promise((r) => setTimeout(r, 300));
  for (const o of rig.outputs) await o.stop();
  receiver.stdin.end();
  await new Promise((r) => receiver.once('exit', r));
  const { changes } = JSON.parse(out.trim().split('\n').pop() ?? '{}') as { changes: { at: number; value: number }[] };
  const lateness: number[] = [];
  let missed = 0;
  for (const b of beatsAt) {
    const got = changes.find((c) => c.value === b.value && c.at > b.mono - 50);
    if (got) lateness.push(got.at - b.mono);
    else missed++;
  }
  return { lateness, missed };
}

export async function dmxBeatFigures(beats = 120): Promise<DmxBeatFigures> {
  const timed = await run(beats, true);
  const refresh = await run(beats, false);
  return {
    beats,
    missed: timed.missed,
    p50: pct(timed.lateness, 50),
    p99: pct(timed.lateness, 99),
    max: Math.max(...timed.lateness.map(Math.abs)),
    refreshP50: pct(refresh.lateness, 50),
    refreshP99: pct(refresh.lateness, 99),
  };
}
