/**
 * The box on the venue network. With the demo configuration (run in a network namespace of
 * its own, so its default ports cannot clash with other tests) nothing listens beyond
 * loopback. Bound to a LAN address with an allow list, OSC commands from a source the list
 * does not name are dropped and counted, and from a named one applied and logged with the
 * source; OSCQuery answers the same readers only. The "LAN" is a veth pair into a namespace
 * this test makes, holding one allowed and one stranger address.
 */
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, freePort, sleep, startDaemon, tempDir, waitForHealth } from '../helpers/daemon-process.js';

const tag = `${process.pid % 100000}`;
const ns = `cdn-lan-${tag}`;
const nsDemo = `cdn-demo-${tag}`;
const hostIf = `cdh${tag}`;
const net = `10.213.${process.pid % 250}`;
const BOX = `${net}.1`;
const DESK = `${net}.2`;
const STRANGER = `${net}.3`;
const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });

beforeAll(() => {
  ip('netns', 'add', ns);
  ip('netns', 'add', nsDemo);
  ip('-n', nsDemo, 'link', 'set', 'lo', 'up');
  ip('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', 'lan0', 'netns', ns);
  ip('addr', 'add', `${BOX}/24`, 'dev', hostIf);
  ip('link', 'set', hostIf, 'up');
  ip('-n', ns, 'addr', 'add', `${DESK}/24`, 'dev', 'lan0');
  ip('-n', ns, 'addr', 'add', `${STRANGER}/24`, 'dev', 'lan0');
  ip('-n', ns, 'link', 'set', 'lan0', 'up');
  ip('-n', ns, 'link', 'set', 'lo', 'up');
});

afterAll(() => {
  ip('netns', 'del', ns);
  ip('netns', 'del', nsDemo);
});

/** Sends one OSC message from `source` (inside the LAN namespace) with node's dgram, encoded by the `osc` package. */
function sendFrom(source: string, port: number, address: string, args: { type: string; value?: unknown }[]): void {
  const script = `
    const osc = require(${JSON.stringify(join(import.meta.dirname, '../../node_modules/osc'))});
    const dgram = require('node:dgram');
    const s = dgram.createSocket('udp4');
    s.bind({ address: ${JSON.stringify(source)}, port: 0 }, () => {
      const bytes = osc.writePacket({ address: ${JSON.stringify(address)}, args: ${JSON.stringify(args)} }, { metadata: true });
      s.send(Buffer.from(bytes), ${port}, ${JSON.stringify(BOX)}, () => s.close());
    });`;
  execFileSync('ip', ['netns', 'exec', ns, process.execPath, '-e', script], { stdio: 'pipe' });
}

function httpFrom(source: string, url: string): { status: number; body: string } {
  const script = `
    require('node:http').get(${JSON.stringify(url)}, { localAddress: ${JSON.stringify(source)} }, (r) => { let b = ''; r.on('data', (d) => (b += d)); r.on('end', () => console.log(JSON.stringify({ status: r.statusCode, body: b }))); })
      .on('error', (e) => { console.log(JSON.stringify({ status: 0, body: e.code })); });`;
  return JSON.parse(
    execFileSync('ip', ['netns', 'exec', ns, process.execPath, '-e', script], { encoding: 'utf8' }).trim(),
  ) as { status: number; body: string };
}

interface Health {
  drivers: { components: { id: string; state: string; errors?: Record<string, number> }[] };
}

describe('the box on the venue network', () => {
  it('with the demo configuration, listens on loopback only', async () => {
    const dir = tempDir();
    const daemon = spawn(
      'ip',
      ['netns', 'exec', nsDemo, process.execPath, CLI, 'daemon', '--config', 'config/demo.yaml'],
      {
        cwd: join(import.meta.dirname, '../..'),
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '/root',
          CODANCE_STORE__PATH: join(dir, 'codance.db'),
          CODANCE_PIPELINE__ENABLED: 'false',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let log = '';
    daemon.stdout.on('data', (d: Buffer) => (log += d.toString()));
    try {
      const ready = performance.now() + 20_000;
      while (!log.includes('codance daemon ready') && performance.now() < ready) await sleep(100);
      expect(log).toContain('codance daemon ready');
      await sleep(1500); // the OSC target has sent (and so bound) by now
      const sockets = execFileSync('ip', ['netns', 'exec', nsDemo, 'ss', '-H', '-lnutp'], { encoding: 'utf8' })
        .trim()
        .split('\n')
        .filter((l) => l.includes(`pid=${daemon.pid}`) || l.includes('node'));
      const locals = sockets.map((l) => l.split(/\s+/)[4]!);
      process.stdout.write(`demo daemon's sockets: ${locals.join(', ')}\n`);
      // HTTP 8080, OSC in 8000, OSCQuery 8001, and the desk target's sending socket: all on loopback.
      expect(locals).toEqual(expect.arrayContaining(['127.0.0.1:8080', '127.0.0.1:8000', '127.0.0.1:8001']));
      for (const l of locals) expect(l, `socket ${l}`).toMatch(/^(127\.0\.0\.1|\[::1\]):\d+$/);
      expect(log).not.toMatch(/osc:mdns/);
    } finally {
      daemon.kill('SIGTERM');
      await new Promise((r) => daemon.once('exit', r));
    }
  }, 40_000);

  it('on a LAN address, drops and counts commands from sources not allowed, applies and logs those allowed', async () => {
    const dir = tempDir();
    const port = await freePort();
    const oscPort = await freePort();
    const queryPort = await freePort();
    const d = startDaemon({
      port,
      env: {
        CODANCE_STORE__PATH: join(dir, 'codance.db'),
        CODANCE_PIPELINE__ENABLED: 'false',
        CODANCE_SIMULATION__DANCERS: '2',
        CODANCE_OSC__IN__PORT: String(oscPort),
        CODANCE_OSC__IN__HOST: BOX,
        CODANCE_OSC__IN__ALLOW: `[${DESK}/32]`,
        CODANCE_OSC__QUERY__PORT: String(queryPort),
        CODANCE_OSC__QUERY__HOST: BOX,
        CODANCE_HTTP__HOST: '0.0.0.0',
        CODANCE_HTTP__TRUSTED: `[${DESK}]`,
      },
    });
    try {
      await waitForHealth(port);
      const oscIn = async () =>
        ((await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as Health).drivers.components.find(
          (c) => c.id === 'osc:in',
        )!;
      expect((await oscIn()).state).toBe('connected');

      for (let i = 0; i < 3; i++) sendFrom(STRANGER, oscPort, '/codance/clock/tempo', [{ type: 'f', value: 197 }]);
      sendFrom(STRANGER, oscPort, '/codance/preset/visualization', [{ type: 's', value: 'blackout' }]);
      await sleep(300);
      expect((await oscIn()).errors?.not_allowed).toBe(4);
      expect(d.output()).not.toMatch(/osc command applied/);
      expect(d.output()).toMatch(new RegExp(`"source":"${STRANGER.replaceAll('.', '\\.')}".*not in osc.in.allow`));
      expect(d.output().match(/not in osc.in.allow are dropped/g)).toHaveLength(1); // logged once per source

      sendFrom(DESK, oscPort, '/codance/clock/tempo', [{ type: 'f', value: 140 }]);
      await sleep(300);
      const applied = JSON.parse(
        d
          .output()
          .split('\n')
          .find((l) => l.includes('osc command applied'))!,
      ) as { source: string };
      expect(applied).toMatchObject({ address: '/codance/clock/tempo', args: [140], signed: false });
      expect(applied.source).toMatch(new RegExp(`^${DESK.replaceAll('.', '\\.')}:\\d+$`));
      expect((await oscIn()).errors?.not_allowed).toBe(4);

      // OSCQuery: the allowed desk reads it, the stranger is refused.
      expect(httpFrom(DESK, `http://${BOX}:${queryPort}/?HOST_INFO`).status).toBe(200);
      expect(httpFrom(STRANGER, `http://${BOX}:${queryPort}/`).status).toBe(403);
      // HTTP on the LAN: /health tells a stranger the status only, /metrics nothing; the trusted desk sees it all.
      const health = httpFrom(STRANGER, `http://${BOX}:${port}/health`);
      expect(health.status).toBe(200);
      expect(Object.keys(JSON.parse(health.body) as object).sort()).toEqual(['status', 'uptimeS', 'version']);
      expect(httpFrom(STRANGER, `http://${BOX}:${port}/metrics`).status).toBe(403);
      expect(httpFrom(DESK, `http://${BOX}:${port}/metrics`).body).toMatch(/codance_store_rows_written/);
      expect(JSON.parse(httpFrom(DESK, `http://${BOX}:${port}/health`).body)).toHaveProperty('store.path');
    } finally {
      d.child.kill('SIGTERM');
      await d.exited;
    }
  }, 40_000);
});
