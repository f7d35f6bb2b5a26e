/**
 * Discovery: the built daemon advertises `_oscjson._tcp` and `_osc._udp` over mDNS; a separate
 * process finds both and reads HOST_INFO from the advertised port, and Avahi resolves them to
 * `HOST.local` and the port. Then a desk's view of OSCQuery: RANGE on outputs, the command
 * nodes listed from the start, and values streamed to a WebSocket LISTEN. Everything runs in
 * a network namespace this test makes (loopback with multicast), so no packet leaves the machine.
 */
import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, tempDir } from '../helpers/daemon-process.js';
import { startAvahi } from '../helpers/avahi.js';

const ns = `codance-mdns-${process.pid}`;
const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });

beforeAll(() => {
  ip('netns', 'add', ns);
  ip('-n', ns, 'link', 'set', 'lo', 'up');
  ip('-n', ns, 'link', 'set', 'lo', 'multicast', 'on');
  ip('-n', ns, 'route', 'add', '224.0.0.0/4', 'dev', 'lo');
});

afterAll(() => {
  ip('netns', 'del', ns);
});

const BROWSE = `
import { Bonjour } from ${JSON.stringify(join(ROOT, 'node_modules/bonjour-service/dist/index.js'))};
const b = new Bonjour();
const found = {};
const done = async () => {
  if (!found.oscjson || !found.osc) return;
  const info = await (await fetch('http://127.0.0.1:' + found.oscjson.port + '/?HOST_INFO')).json();
  console.log(JSON.stringify({ found, info }));
  b.destroy();
  process.exit(0);
};
for (const type of ['oscjson', 'osc']) {
  b.find({ type, protocol: type === 'osc' ? 'udp' : 'tcp' }, (s) => { found[type] = { name: s.name, port: s.port, protocol: s.protocol }; void done(); });
}
setTimeout(() => { console.log(JSON.stringify({ found, timeout: true })); process.exit(1); }, 15000);
`;

describe('mDNS advertisement', () => {
  it('is found by a separate process as _oscjson._tcp and _osc._udp, and the advertised OSCQuery port answers', async () => {
    const dir = tempDir();
    const script = join(dir, 'browse.mjs');
    writeFileSync(script, BROWSE);
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/root',
      CODANCE_STORE__PATH: join(dir, 'codance.db'),
      CODANCE_HTTP__PORT: '18080',
      CODANCE_BOX__NAME: 'mdns-box',
      CODANCE_OSC__IN__PORT: '18000',
      CODANCE_OSC__QUERY__PORT: '18001',
      CODANCE_OSC__QUERY__MDNS: 'true',
      CODANCE_OSC__IN__HOST: '0.0.0.0',
      CODANCE_OSC__QUERY__HOST: '0.0.0.0',
      CODANCE_PIPELINE__ENABLED: 'false',
    };
    const daemon = spawn('ip', ['netns', 'exec', ns, process.execPath, CLI, 'daemon'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    daemon.stdout.on('data', (d: Buffer) => (log += d.toString()));
    daemon.stderr.on('data', (d: Buffer) => (log += d.toString()));
    try {
      const out = await new Promise<string>((res) => {
        const browser = spawn('ip', ['netns', 'exec', ns, process.execPath, script], {
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        let text = '';
        browser.stdout.on('data', (d: Buffer) => (text += d.toString()));
        browser.once('exit', () => res(text));
      });
      const result = JSON.parse(out.trim().split('\n').pop() ?? '{}') as {
        found: Record<string, { name: string; port: number; protocol: string }>;
        info?: { NAME: string; OSC_PORT: number };
      };
      expect(result.found, log).toEqual({
        oscjson: { name: 'mdns-box', port: 18001, protocol: 'tcp' },
        osc: { name: 'mdns-box', port: 18000, protocol: 'udp' },
      });
      expect(result.info).toMatchObject({ NAME: 'mdns-box', OSC_PORT: 18000, OSC_TRANSPORT: 'UDP' });
    } finally {
      daemon.kill('SIGTERM');
      await new Promise((r) => daemon.once('exit', r));
    }
  }, 30_000);
});

/** A desk inside the namespace: reads OSCQuery over HTTP and listens to one address over its WebSocket. */
const DESK = `
import WebSocket from ${JSON.stringify(join(ROOT, 'node_modules/ws/wrapper.mjs'))};
const port = Number(process.argv[2]);
const base = 'http://127.0.0.1:' + port;
const get = async (path) => { const r = await fetch(base + path); return r.status === 200 ? r.json() : { status: r.status }; };
const out = { info: await get('/?HOST_INFO') };
for (const p of ['/codance/dancer/1/movement', '/codance/dancer/2/hit', '/codance/crowd/energy', '/codance/haptic/floor/pulse',
  '/codance/mapping/dancer-hit/threshold_on', '/codance/clock/release', '/codance/preset/sound', '/codance/cue/choreo.move'])
  out[p] = await get(p);
const ws = new WebSocket('ws://127.0.0.1:' + port + '/');
await new Promise((res, rej) => { ws.once('open', res); ws.once('error', rej); });
const got = [];
ws.on('message', (data, binary) => {
  if (!binary) return;
  const b = Buffer.from(data);
  got.push({ address: b.subarray(0, b.indexOf(0)).toString(), at: Date.now() });
});
ws.send(JSON.stringify({ COMMAND: 'LISTEN', DATA: '/codance/dancer/1/movement' }));
await new Promise((r) => setTimeout(r, 3000));
ws.send(JSON.stringify({ COMMAND: 'IGNORE', DATA: '/codance/dancer/1/movement' }));
await new Promise((r) => setTimeout(r, 300));
const ignoredAt = Date.now();
await new Promise((r) => setTimeout(r, 1500));
out.listened = got.filter((g) => g.at < ignoredAt).map((g) => g.address);
out.afterIgnore = got.filter((g) => g.at >= ignoredAt).length;
ws.close();
console.log(JSON.stringify(out));
`;

describe('discovery a desk can resolve, and OSCQuery as a desk reads it', () => {
  it('resolves _oscjson._tcp with avahi-browse to HOST.local and the port; RANGE, commands and LISTEN answer', async () => {
    const avahi = await startAvahi(ns);
    const dir = tempDir();
    const script = join(dir, 'desk.mjs');
    writeFileSync(script, DESK);
    const daemon = spawn('ip', ['netns', 'exec', ns, process.execPath, CLI, 'daemon'], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/root',
        CODANCE_STORE__PATH: join(dir, 'codance.db'),
        CODANCE_HTTP__PORT: '18180',
        CODANCE_BOX__NAME: 'avahi-box',
        CODANCE_OSC__IN__PORT: '18100',
        CODANCE_OSC__QUERY__PORT: '18101',
        CODANCE_OSC__IN__HOST: '0.0.0.0',
        CODANCE_OSC__QUERY__HOST: '0.0.0.0',
        CODANCE_PIPELINE__ENABLED: 'false',
        CODANCE_SIMULATION__DANCERS: '3',
        CODANCE_HAPTICS__CONTROLLERS: JSON.stringify([{ name: 'floor', transport: 'sim', channels: 4 }]),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    daemon.stdout.on('data', (d: Buffer) => (log += d.toString()));
    daemon.stderr.on('data', (d: Buffer) => (log += d.toString()));
    try {
      let found: ReturnType<typeof avahi.browse> = [];
      for (let i = 0; i < 8 && !found.some((f) => f.name === 'avahi-box'); i++) {
        await new Promise((r) => setTimeout(r, 500));
        found = avahi.browse('_oscjson._tcp');
      }
      const box = found.find((f) => f.name === 'avahi-box');
      expect(box, `avahi-browse found ${JSON.stringify(found)}; daemon log:\n${log}`).toBeDefined();
      expect(box!.host).toMatch(/^[a-z0-9-]+\.local$/i);
      expect(box!.port).toBe(18101);
      expect(avahi.browse('_osc._udp').find((f) => f.name === 'avahi-box')?.port).toBe(18100);

      const text = await new Promise<string>((res) => {
        const desk = spawn('ip', ['netns', 'exec', ns, process.execPath, script, String(box!.port)], {
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        let t = '';
        desk.stdout.on('data', (d: Buffer) => (t += d.toString()));
        desk.once('exit', () => res(t));
      });
      const out = JSON.parse(text.trim().split('\n').pop() ?? '{}') as Record<string, Record<string, unknown>> & {
        listened: string[];
        afterIgnore: number;
      };
      expect(out.info).toMatchObject({ NAME: 'avahi-box', EXTENSIONS: { LISTEN: true, RANGE: true } });
      expect(out['/codance/dancer/1/movement']).toMatchObject({ ACCESS: 1, TYPE: 'f', RANGE: [{ MIN: 0, MAX: 1 }] });
      expect(out['/codance/dancer/2/hit']).toMatchObject({ ACCESS: 1, RANGE: [{ MIN: 0, MAX: 1 }] });
      expect(out['/codance/crowd/energy']).toMatchObject({ ACCESS: 1, RANGE: [{ MIN: 0, MAX: 1 }] });
      expect(out['/codance/haptic/floor/pulse']).toMatchObject({ ACCESS: 2, TYPE: 'ifsi' });
      expect(out['/codance/mapping/dancer-hit/threshold_on']).toMatchObject({ ACCESS: 2, TYPE: 'f' });
      expect(out['/codance/clock/release']).toMatchObject({ ACCESS: 2 });
      expect(out['/codance/preset/sound']).toMatchObject({ ACCESS: 2, TYPE: 's' });
      expect(out['/codance/cue/choreo.move']).toMatchObject({ ACCESS: 1 });
      // The simulator reports every 200 ms: a few seconds of LISTEN carry a stream of values, IGNORE ends it.
      expect(out.listened.length, log).toBeGreaterThanOrEqual(5);
      expect(new Set(out.listened)).toEqual(new Set(['/codance/dancer/1/movement']));
      expect(out.afterIgnore).toBe(0);
    } finally {
      daemon.kill('SIGTERM');
      await new Promise((r) => daemon.once('exit', r));
      await avahi.stop();
    }
  }, 60_000);
});
