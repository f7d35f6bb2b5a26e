/**
 * Discovery: the built daemon advertises `_oscjson._tcp` and `_osc._udp` over mDNS, and a
 * separate process finds both and reads HOST_INFO from the advertised port. Both run in a
 * network namespace this test makes (loopback with multicast), so no packet leaves the machine.
 */
import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, tempDir } from '../helpers/daemon-process.js';

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
