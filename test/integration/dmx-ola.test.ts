/**
 * DMX over the network, read back by OLA: the built daemon runs a 24-dancer venue with a
 * fixture patch, sending universe 1 as sACN (E1.31) unicast, universe 2 as Art-Net and
 * universe 3 as sACN multicast (239.255.0.3) to OLA's E1.31 and ArtNet plugins, and every
 * light is checked channel by channel over OLA's /get_dmx:
 * slots 1-8 red, 9-16 green, 17-24 blue (rules select dancers by slot), the two lights with no
 * dancer in the idle look, and the room wash on one of its eight beat-timed levels.
 *
 * OLA's E1.31 and ArtNet plugins only start with an interface other than loopback, so both run
 * in a network namespace with a veth pair of its own; the box sends unicast to 127.0.0.1 there.
 */
import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, tempDir } from '../helpers/daemon-process.js';
import { startOla, type Ola } from '../helpers/osc-peers.js';

const ns = `codance-dmx-${process.pid}`;
const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });

const GROUPS = [
  { dancers: '1-8', attribute: 'red' },
  { dancers: '9-16', attribute: 'green' },
  { dancers: '17-24', attribute: 'blue' },
] as const;

/** Heart rate is always above -1: this scale turns any sample into a steady 1. */
const ALWAYS_ON = { in: [-2, -1], out: [0, 1] };

function rules(fixture: string) {
  return [
    ...GROUPS.map((g) => ({
      id: `${fixture}-${g.attribute}`,
      source: { kind: 'dancer', signal: 'hr', dancers: g.dancers },
      scale: ALWAYS_ON,
      target: { kind: 'fixture', fixture, attribute: g.attribute },
    })),
    {
      id: `${fixture}-dimmer`,
      source: { kind: 'dancer', signal: 'hr' },
      scale: ALWAYS_ON,
      target: { kind: 'fixture', fixture, attribute: 'dimmer' },
    },
  ];
}

const CONFIG = {
  box: { name: 'dmx-venue' },
  simulation: { dancers: 24, seed: 3, bpm: 120 },
  pipeline: { enabled: false },
  http: { port: 18280 },
  osc: { targets: [], in: { port: 0 }, query: { port: 0 } },
  dmx: {
    outputs: [
      { name: 'sacn', protocol: 'sacn', host: '127.0.0.1', universes: [1], refreshHz: 44 },
      { name: 'artnet', protocol: 'artnet', host: '127.0.0.1', universes: [2], refreshHz: 30 },
      { name: 'multicast', protocol: 'sacn', universes: [3], priority: 120 },
    ],
    fixtures: [
      { name: 'pars', universe: 1, address: 1, profile: 'rgb-dimmer', slots: '1-26' },
      { name: 'wash', universe: 1, address: 200, profile: 'dimmer', slots: '1', holdMs: 600_000 },
      { name: 'strips', universe: 2, address: 11, profile: 'rgbw', stride: 5, slots: '1-26' },
      { name: 'spots', universe: 3, address: 1, profile: 'dimmer', slots: '1-26' },
    ],
  },
  mapping: {
    rules: [
      ...rules('pars'),
      ...rules('strips'),
      {
        id: 'spots-dimmer',
        source: { kind: 'dancer', signal: 'hr' },
        scale: ALWAYS_ON,
        target: { kind: 'fixture', fixture: 'spots', attribute: 'dimmer' },
      },
      {
        id: 'wash-count',
        source: { kind: 'clock', on: 'beat' },
        scale: { in: [1, 8], out: [1, 0.3] },
        target: { kind: 'fixture', fixture: 'wash', attribute: 'dimmer' },
      },
    ],
  },
};

/** The idle look (config defaults): colour 0,0,80 and dimmer 0.15. */
const IDLE_DIMMER = Math.round(0.15 * 255);

function expectedPar(slot: number): number[] {
  if (slot > 24) return [0, 0, 80, IDLE_DIMMER];
  const g = Math.floor((slot - 1) / 8);
  return [g === 0 ? 255 : 0, g === 1 ? 255 : 0, g === 2 ? 255 : 80, 255];
}

/** An RGBW light has no dimmer channel: its colour is dimmed instead. */
function expectedStrip(slot: number): number[] {
  if (slot > 24) return [0, 0, Math.round((80 / 255) * 0.15 * 255), 0];
  const [r, g, b] = expectedPar(slot);
  return [r!, g!, b!, 0];
}

let ola: Ola;

beforeAll(async () => {
  ip('netns', 'add', ns);
  ip('-n', ns, 'link', 'set', 'lo', 'up');
  ip('-n', ns, 'link', 'add', 'dmxa', 'type', 'veth', 'peer', 'name', 'dmxb');
  ip('-n', ns, 'addr', 'add', '10.77.0.1/24', 'dev', 'dmxa');
  ip('-n', ns, 'link', 'set', 'dmxa', 'up');
  ip('-n', ns, 'link', 'set', 'dmxb', 'up');
  // sACN multicast leaves by the veth; the sending host loops it back to OLA, which joined the group there.
  ip('-n', ns, 'route', 'add', '224.0.0.0/4', 'dev', 'dmxa');
  ola = await startOla({ e131: [1, 3], artnet: 2, netns: ns });
}, 30_000);

afterAll(async () => {
  await ola?.stop();
  ip('netns', 'del', ns);
});

describe('DMX over sACN and Art-Net, read back by OLA', () => {
  it('drives each dancer slot’s light through the fixture patch, idle where no one dances, the wash on the beat', async () => {
    const dir = tempDir();
    const file = join(dir, 'venue.yaml');
    writeFileSync(file, JSON.stringify({ ...CONFIG, store: { path: join(dir, 'codance.db') } }));
    const daemon = spawn('ip', ['netns', 'exec', ns, process.execPath, CLI, 'daemon', '--config', file], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    daemon.stdout.on('data', (d: Buffer) => (log += d.toString()));
    daemon.stderr.on('data', (d: Buffer) => (log += d.toString()));
    try {
      const pars = (u1: number[]) => Array.from({ length: 26 }, (_, i) => u1.slice(i * 4, i * 4 + 4));
      const strips = (u2: number[]) => Array.from({ length: 26 }, (_, i) => u2.slice(10 + i * 5, 10 + i * 5 + 4));
      const wantPars = Array.from({ length: 26 }, (_, i) => expectedPar(i + 1));
      const wantStrips = Array.from({ length: 26 }, (_, i) => expectedStrip(i + 1));
      const wantSpots = Array.from({ length: 26 }, (_, i) => (i < 24 ? 255 : IDLE_DIMMER));
      let u1: number[] = [];
      let u2: number[] = [];
      let u3: number[] = [];
      const deadline = Date.now() + 25_000;
      while (Date.now() < deadline) {
        u1 = await ola.dmx(1);
        u2 = await ola.dmx(2);
        u3 = await ola.dmx(3);
        if (
          JSON.stringify(pars(u1)) === JSON.stringify(wantPars) &&
          JSON.stringify(strips(u2)) === JSON.stringify(wantStrips) &&
          JSON.stringify(u3.slice(0, 26)) === JSON.stringify(wantSpots)
        )
          break;
        await new Promise((r) => setTimeout(r, 250));
      }
      // Channel by channel: sACN universe 1 (four channels per par) and Art-Net universe 2 (RGBW every five).
      expect(pars(u1), `sACN universe 1 as OLA has it; daemon log:\n${log.slice(-3000)}`).toEqual(wantPars);
      expect(strips(u2), 'Art-Net universe 2 as OLA has it').toEqual(wantStrips);
      expect(u3.slice(0, 26), 'sACN multicast universe 3 as OLA has it').toEqual(wantSpots);
      // Nothing else is written: the gap channel of each strip and everything past the patch stay 0.
      expect(Array.from({ length: 26 }, (_, i) => u2[10 + i * 5 + 4] ?? 0).every((v) => v === 0)).toBe(true);
      // The wash is on one of the eight levels of the 8-count (1 = bright .. 8 = 0.3).
      const levels = Array.from({ length: 8 }, (_, c) => Math.round((1 - (c / 7) * 0.7) * 255));
      expect(levels).toContain(u1[199]);
    } finally {
      daemon.kill('SIGTERM');
      await new Promise((r) => daemon.once('exit', r));
    }
  }, 60_000);
});
