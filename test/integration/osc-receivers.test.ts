/**
 * The built daemon, driving real receivers in separate processes: liblo's oscdump, Pure Data,
 * OLA (OSC → DMX) and a TCP/SLIP capture by socat. OSC in is fed by liblo's oscsend and by
 * malformed datagrams; OSCQuery is read over HTTP.
 */
import { execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import osc from 'osc';
import slip from 'slip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startDaemon, tempDir, waitForHealth, type DaemonProcess } from '../helpers/daemon-process.js';
import {
  freeUdpPort,
  parseOscdump,
  startOla,
  startOscdump,
  startPd,
  startTcpCapture,
  type Ola,
  type Peer,
} from '../helpers/osc-peers.js';
import { readJsonl } from '../helpers/data.js';
import { sleep, waitFor } from '../helpers/wait.js';

interface Ports {
  dump: number;
  pd: number;
  ola: number;
  tcp: number;
  oscIn: number;
  query: number;
  http: number;
}

let ports: Ports;
let daemon: DaemonProcess;
let dump: Peer;
let pd: Peer;
let ola: Ola;
let tcp: Peer & { bytes(): Uint8Array };

/** The same rules to oscdump and the TCP desk; Pure Data gets beats and energy; OLA one DMX channel. */
function rules(): unknown[] {
  const out: unknown[] = [];
  for (const target of ['dump', 'eos']) {
    out.push(
      {
        id: `energy-${target}`,
        source: { kind: 'crowd', metric: 'energy' },
        target: { kind: 'osc', targets: [target], address: '/codance/crowd/energy' },
      },
      {
        id: `active-${target}`,
        source: { kind: 'crowd', metric: 'active_dancers' },
        target: { kind: 'osc', targets: [target], address: '/codance/crowd/active', type: 'i' },
      },
      {
        id: `hr-${target}`,
        source: { kind: 'dancer', signal: 'hr' },
        target: { kind: 'osc', targets: [target], address: '/codance/dancer/{slot}/hr' },
      },
      {
        id: `beat-${target}`,
        source: { kind: 'clock', on: 'beat' },
        target: { kind: 'osc', targets: [target], address: '/codance/beat', type: 'i' },
      },
      {
        id: `phrase-${target}`,
        source: { kind: 'clock', on: 'phrase' },
        target: { kind: 'osc', targets: [target], address: '/codance/phrase', type: 'i' },
      },
      {
        id: `loud-${target}`,
        source: { kind: 'crowd', metric: 'energy' },
        scale: { threshold: { on: 0.05, off: 0.01 } },
        target: { kind: 'osc', targets: [target], address: '/codance/crowd/loud', type: 'bool' },
      },
    );
  }
  out.push(
    {
      id: 'beat-pd',
      source: { kind: 'clock', on: 'beat' },
      target: { kind: 'osc', targets: ['pd'], address: '/codance/beat', type: 'i' },
    },
    {
      id: 'energy-pd',
      source: { kind: 'crowd', metric: 'energy' },
      target: { kind: 'osc', targets: ['pd'], address: '/codance/crowd/energy' },
    },
    {
      id: 'energy-dmx',
      source: { kind: 'crowd', metric: 'energy' },
      target: { kind: 'osc', targets: ['ola'], address: '/dmx/universe/1', type: 'dmx', channel: 5 },
    },
  );
  return out;
}

beforeAll(async () => {
  ports = {
    dump: await freeUdpPort(),
    pd: await freeUdpPort(),
    ola: await freeUdpPort(),
    tcp: await freePort(),
    oscIn: await freeUdpPort(),
    query: await freePort(),
    http: await freePort(),
  };
  dump = await startOscdump(ports.dump);
  pd = await startPd(ports.pd);
  ola = await startOla(ports.ola);
  tcp = await startTcpCapture(ports.tcp);
  const dir = tempDir();
  const config = {
    box: { name: 'osc-test' },
    store: { path: join(dir, 'codance.db') },
    simulation: { dancers: 4, bpm: 120, mood: 0.8 },
    osc: {
      targets: [
        { name: 'dump', host: '127.0.0.1', port: ports.dump, rateHz: 20 },
        { name: 'pd', host: '127.0.0.1', port: ports.pd, rateHz: 10 },
        { name: 'ola', host: '127.0.0.1', port: ports.ola, rateHz: 20 },
        { name: 'eos', host: '127.0.0.1', port: ports.tcp, transport: 'tcp', rateHz: 20 },
      ],
      in: { port: ports.oscIn, host: '127.0.0.1' },
      query: { port: ports.query, host: '127.0.0.1', mdns: false },
    },
    mapping: { rules: rules() },
  };
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify(config));
  daemon = startDaemon({
    port: ports.http,
    args: ['--config', file],
    env: { CODANCE_OSC__IN__PORT: String(ports.oscIn), CODANCE_OSC__QUERY__PORT: String(ports.query) },
  });
  await waitForHealth(ports.http);
  // Crowd states come at 1 Hz and beats at 2 Hz: a few seconds give every address several times.
  await sleep(4500);
}, 60_000);

afterAll(async () => {
  daemon.child.kill('SIGTERM');
  await daemon.exited;
  await Promise.all([dump, pd, ola, tcp].map((p) => p?.stop()));
});

describe('OSC out to real receivers', () => {
  it('oscdump (liblo) receives the mapped messages with the documented types', () => {
    const lines = parseOscdump(dump.output());
    const of = (address: string) => lines.filter((l) => l.address === address);
    expect(of('/codance/crowd/energy').length).toBeGreaterThanOrEqual(3);
    for (const l of of('/codance/crowd/energy')) {
      expect(l.types).toBe('f');
      expect(Number(l.args[0])).toBeGreaterThanOrEqual(0);
      expect(Number(l.args[0])).toBeLessThanOrEqual(1);
    }
    expect(of('/codance/crowd/active').every((l) => l.types === 'i' && l.args[0] === '4')).toBe(true);
    const hr = lines.filter((l) => /^\/codance\/dancer\/[^/]+\/hr$/.test(l.address));
    // One address per dancer, by slot number: 1..4.
    expect([...new Set(hr.map((l) => l.address))].sort()).toEqual([1, 2, 3, 4].map((n) => `/codance/dancer/${n}/hr`));
    expect(hr.every((l) => l.types === 'f' && Number(l.args[0]) > 40 && Number(l.args[0]) < 220)).toBe(true);
    const beats = of('/codance/beat').map((l) => (expect(l.types).toBe('i'), Number(l.args[0])));
    expect(beats.length).toBeGreaterThanOrEqual(6);
    // Counts run 1..8 and step by one (wrapping after 8).
    for (let i = 1; i < beats.length; i++) expect(beats[i]).toBe((beats[i - 1]! % 8) + 1);
    expect(of('/codance/crowd/loud')[0]).toMatchObject({ types: 'T' });
  });

  it('Pure Data receives and prints a mapped message', () => {
    const text = pd.output();
    expect(text).toMatch(/OSC: list codance beat [1-8]\b/);
    expect(text).toMatch(/OSC: list codance crowd energy 0(\.\d+)?\b/);
  });

  it('OLA shows the mapped DMX channel values (/get_dmx)', async () => {
    const energies = () =>
      parseOscdump(dump.output())
        .filter((l) => l.address === '/codance/crowd/energy')
        .map((l) => Math.round(Math.min(1, Math.max(0, Number(l.args[0]))) * 255));
    // The daemon sends on while this runs: read OLA first, then wait for oscdump to have printed
    // that value too (its output may lag a datagram behind).
    const dmx = await ola.dmx(1);
    expect(dmx).toHaveLength(512);
    expect(dmx[4]).toBeGreaterThan(0);
    await expect.poll(energies, { timeout: 3000 }).toContain(dmx[4]);
    expect(dmx.filter((v, i) => i !== 4 && v !== 0)).toEqual([]);
  });

  it('a TCP/SLIP receiver gets the same messages over TCP', () => {
    const messages: { address: string; types: string; args: unknown[] }[] = [];
    const collect = (p: {
      address?: string;
      args?: { type: string; value?: unknown }[];
      packets?: unknown[];
    }): void => {
      if (p.packets) for (const q of p.packets) collect(q as typeof p);
      else if (p.address)
        messages.push({
          address: p.address,
          types: (p.args ?? []).map((a) => a.type).join(''),
          args: (p.args ?? []).map((a) => a.value),
        });
    };
    // An independent SLIP decoder (the slip package) and osc.js's reader.
    const decoder = new slip.Decoder({
      onMessage: (frame: Uint8Array) =>
        collect((osc as { readPacket(b: Uint8Array, o: object): never }).readPacket(frame, { metadata: true })),
    });
    decoder.decode(tcp.bytes());
    const udp = parseOscdump(dump.output());
    const signature = (list: { address: string; types: string }[]) =>
      new Set(list.map((m) => `${m.address.replace(/dancer\/[^/]+\//, 'dancer/*/')} ${m.types}`));
    expect(signature(messages)).toEqual(signature(udp));
    // The same crowd values went both ways.
    const tcpEnergy = new Set(
      messages.filter((m) => m.address === '/codance/crowd/energy').map((m) => (m.args[0] as number).toFixed(4)),
    );
    const udpEnergy = udp.filter((l) => l.address === '/codance/crowd/energy').map((l) => Number(l.args[0]).toFixed(4));
    expect(udpEnergy.filter((e) => tcpEnergy.has(e)).length).toBeGreaterThanOrEqual(2);
  });
});

describe('OSC in and OSCQuery on the running daemon', () => {
  it('takes a tempo from oscsend, counts malformed datagrams (the shared vectors) and drops them', async () => {
    execFileSync('oscsend', ['127.0.0.1', String(ports.oscIn), '/codance/clock/tempo', 'f', '100']);
    const sock = createSocket('udp4');
    const bad = readJsonl<{ hex: string; error?: string }>('osc', 'osc_vectors.jsonl').filter((v) => v.error);
    for (const v of bad) sock.send(Buffer.from(v.hex, 'hex'), ports.oscIn, '127.0.0.1');
    sock.send(Buffer.from('not osc at all'), ports.oscIn, '127.0.0.1');
    await sleep(300);
    sock.close();
    const metrics = await (await fetch(`http://127.0.0.1:${ports.http}/metrics`)).text();
    expect(metrics).toMatch(/codance_clock_bpm\{source="osc"\} 100\b/);
    const malformed = Number(/codance_component_errors\{id="osc:in",reason="malformed"\} (\d+)/.exec(metrics)?.[1]);
    expect(malformed).toBeGreaterThanOrEqual(bad.length);
    expect(metrics).toMatch(
      /codance_output_latency_seconds_bucket\{le="0.001",output="osc",kind="continuous",path="crowd"\}/,
    );
    // Still serving, still sending.
    expect((await fetch(`http://127.0.0.1:${ports.http}/health`)).status).toBe(200);
  });

  it('switches a mapping parameter from OSC: /codance/mapping/{rule}/enabled F stops that output', async () => {
    execFileSync('oscsend', ['127.0.0.1', String(ports.oscIn), '/codance/mapping/beat-dump/enabled', 'F']);
    await sleep(200);
    const before = parseOscdump(dump.output()).filter((l) => l.address === '/codance/beat').length;
    await sleep(1600);
    expect(parseOscdump(dump.output()).filter((l) => l.address === '/codance/beat').length).toBe(before);
    execFileSync('oscsend', ['127.0.0.1', String(ports.oscIn), '/codance/mapping/beat-dump/enabled', 'T']);
    await waitFor(
      () => parseOscdump(dump.output()).filter((l) => l.address === '/codance/beat').length > before,
      'beats again',
      3000,
      50,
    );
  });

  it('serves its address space as OSCQuery JSON, with HOST_INFO naming the OSC port', async () => {
    const q = (path: string) => fetch(`http://127.0.0.1:${ports.query}${path}`);
    const info = (await (await q('/?HOST_INFO')).json()) as { NAME: string; OSC_PORT: number; OSC_TRANSPORT: string };
    expect(info).toMatchObject({ NAME: 'osc-test', OSC_PORT: ports.oscIn, OSC_TRANSPORT: 'UDP' });
    const root = (await (await q('/')).json()) as { CONTENTS: Record<string, { CONTENTS: Record<string, unknown> }> };
    expect(Object.keys(root.CONTENTS.codance!.CONTENTS)).toEqual(
      expect.arrayContaining(['clock', 'crowd', 'beat', 'dancer', 'preset']),
    );
    expect(await (await q('/codance/clock/tempo')).json()).toMatchObject({
      FULL_PATH: '/codance/clock/tempo',
      TYPE: 'f',
      ACCESS: 2,
    });
    const energy = (await (await q('/codance/crowd/energy')).json()) as {
      TYPE: string;
      ACCESS: number;
      VALUE: number[];
    };
    expect(energy).toMatchObject({ TYPE: 'f', ACCESS: 1 });
    expect(energy.VALUE[0]).toBeGreaterThanOrEqual(0);
    expect((await q('/codance/crowd/energy?VALUE')).status).toBe(200);
    expect((await q('/codance/nothing/here')).status).toBe(404);
  });
});
