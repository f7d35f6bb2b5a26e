/**
 * Real OSC receivers as separate processes (TESTING.md): liblo's oscdump, Pure Data with
 * [oscparse], OLA with only its OSC plugin, and socat capturing a TCP stream. Each runs on
 * loopback on free ports and is stopped by its PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, readFileSync, writeFileSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { freePort, tempDir } from './daemon-process.js';
import { waitFor } from './wait.js';

export interface Peer {
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** A free UDP port on loopback. */
export function freeUdpPort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createSocket('udp4');
    s.once('error', rej);
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

function run(cmd: string, args: string[], opts: { cwd?: string } = {}): Peer {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  return {
    child,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** oscdump -L PORT: one line per message, `<ntp time> <address> <typetags> <args...>`. */
export async function startOscdump(port: number): Promise<Peer> {
  const p = run('oscdump', ['-L', String(port)]);
  // liblo binds at once; give the process a moment to reach recvfrom.
  await new Promise((r) => setTimeout(r, 300));
  return p;
}

export interface OscdumpLine {
  address: string;
  types: string;
  args: string[];
}

export function parseOscdump(text: string): OscdumpLine[] {
  return text
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((parts) => parts.length >= 2 && parts[1]!.startsWith('/'))
    .map((parts) => ({ address: parts[1]!, types: parts[2] ?? '', args: parts.slice(3) }));
}

/** Pure Data, headless: [netreceive -u -b PORT] → [oscparse] → [print OSC]. */
export async function startPd(port: number): Promise<Peer> {
  const dir = tempDir('codance-pd-');
  writeFileSync(
    join(dir, 'osc.pd'),
    [
      '#N canvas 0 0 450 300 12;',
      `#X obj 10 10 netreceive -u -b ${port};`,
      '#X obj 10 40 oscparse;',
      '#X obj 10 70 print OSC;',
      '#X connect 0 0 1 0;',
      '#X connect 1 0 2 0;',
      '',
    ].join('\n'),
  );
  const p = run('pd', ['-nogui', '-nosound', '-nomidi', '-noprefs', '-stderr', '-open', join(dir, 'osc.pd')]);
  await new Promise((r) => setTimeout(r, 800));
  return p;
}

/** Every OLA plugin but OSC is disabled, so nothing starts Art-Net or sACN on a real interface. */
const OLA_PLUGINS = [
  'artnet',
  'dummy',
  'e131',
  'espnet',
  'ftdidmx',
  'gpio',
  'karate',
  'kinet',
  'milinst',
  'opendmx',
  'openpixelcontrol',
  'pathport',
  'renard',
  'sandnet',
  'shownet',
  'spi',
  'stageprofi',
  'uartdmx',
  'usbdmx',
  'usbserial',
  'nanoleaf',
  'dmx4linux',
];

export interface Ola extends Peer {
  httpPort: number;
  dmx(universe: number): Promise<number[]>;
}

/** olad as its own user (it refuses root) with the OSC plugin listening on `oscPort`, universe 1 patched to its input port. */
export async function startOla(oscPort: number): Promise<Ola> {
  const dir = tempDir('codance-ola-');
  for (const p of OLA_PLUGINS) writeFileSync(join(dir, `ola-${p}.conf`), 'enabled = false\n');
  writeFileSync(
    join(dir, 'ola-osc.conf'),
    [
      'enabled = true',
      'input_ports = 1',
      'output_ports = 0',
      'port_0_address = /dmx/universe/%d',
      `udp_listen_port = ${oscPort}`,
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'ola-port.conf'), '14-1-I-0 = 1\n');
  writeFileSync(join(dir, 'ola-server.conf'), 'instance-name = codance-test\n');
  const uid = Number(execFileSync('id', ['-u', 'olad']).toString().trim());
  for (const f of [
    dir,
    ...OLA_PLUGINS.map((p) => join(dir, `ola-${p}.conf`)),
    join(dir, 'ola-osc.conf'),
    join(dir, 'ola-port.conf'),
    join(dir, 'ola-server.conf'),
  ])
    chownSync(f, uid, -1);
  const httpPort = await freePort();
  const rpcPort = await freePort();
  const p = run('setpriv', [
    '--reuid=olad',
    '--regid=nogroup',
    '--init-groups',
    'olad',
    '-c',
    dir,
    '--no-register-with-dns-sd',
    '--no-http-quit',
    '-i',
    '127.0.0.1',
    '-p',
    String(httpPort),
    '-r',
    String(rpcPort),
  ]);
  const dmx = async (universe: number): Promise<number[]> => {
    const res = await fetch(`http://127.0.0.1:${httpPort}/get_dmx?u=${universe}`);
    return ((await res.json()) as { dmx: number[] }).dmx;
  };
  await waitFor(
    async () => {
      try {
        await dmx(1);
        return true;
      } catch {
        return false;
      }
    },
    `olad serving /get_dmx on ${httpPort}`,
    10_000,
    100,
  );
  return { ...p, httpPort, dmx };
}

/** socat capturing one TCP connection's bytes into a file: an independent TCP receiver. */
export async function startTcpCapture(port: number): Promise<Peer & { bytes(): Uint8Array }> {
  const dir = tempDir('codance-tcp-');
  const file = join(dir, 'stream.bin');
  const p = run('socat', ['-u', `TCP-LISTEN:${port},bind=127.0.0.1,reuseaddr`, `CREATE:${file}`]);
  await new Promise((r) => setTimeout(r, 300));
  return {
    ...p,
    bytes: () => {
      try {
        return new Uint8Array(readFileSync(file));
      } catch {
        return new Uint8Array();
      }
    },
  };
}
