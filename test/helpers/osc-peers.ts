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

export interface OlaPlugins {
  /** The OSC plugin on this UDP port, its input patched to `oscUniverse` (1) at `/dmx/universe/%d`. */
  osc?: number;
  oscUniverse?: number;
  /** The E1.31 (sACN) plugin, its inputs patched to these universes (one input each). */
  e131?: number | number[];
  /** The ArtNet plugin (net 0, sub-net 0), its first input patched to this universe (port-address = universe & 15). */
  artnet?: number;
  /** Run inside this network namespace (its HTTP is then read from inside it too). */
  netns?: string;
}

/**
 * olad as its own user (it refuses root) with only the plugins asked for. E1.31 and ArtNet
 * need an interface other than loopback to start, so run them in a namespace with one.
 */
export async function startOla(plugins: number | OlaPlugins): Promise<Ola> {
  const opts = typeof plugins === 'number' ? { osc: plugins } : plugins;
  const dir = tempDir('codance-ola-');
  const files: Record<string, string[]> = {};
  for (const p of OLA_PLUGINS) files[`ola-${p}.conf`] = ['enabled = false'];
  files['ola-osc.conf'] = ['enabled = false'];
  const patches: string[] = [];
  if (opts.osc !== undefined) {
    files['ola-osc.conf'] = [
      'enabled = true',
      'input_ports = 1',
      'output_ports = 0',
      'port_0_address = /dmx/universe/%d',
      `udp_listen_port = ${opts.osc}`,
    ];
    patches.push(`14-1-I-0 = ${opts.oscUniverse ?? 1}`);
  }
  const e131 = opts.e131 === undefined ? [] : [opts.e131].flat();
  if (e131.length > 0) {
    files['ola-e131.conf'] = [
      'enabled = true',
      `input_ports = ${e131.length}`,
      'output_ports = 0',
      'ignore_preview = true',
    ];
    e131.forEach((u, i) => patches.push(`11-1-I-${i} = ${u}`));
  }
  if (opts.artnet !== undefined) {
    files['ola-artnet.conf'] = [
      'enabled = true',
      'net = 0',
      'subnet = 0',
      'output_ports = 0',
      'always_broadcast = false',
    ];
    patches.push(`2-1-I-0 = ${opts.artnet}`);
  }
  files['ola-port.conf'] = patches;
  files['ola-server.conf'] = ['instance-name = codance-test'];
  const uid = Number(execFileSync('id', ['-u', 'olad']).toString().trim());
  chownSync(dir, uid, -1);
  for (const [name, lines] of Object.entries(files)) {
    writeFileSync(join(dir, name), [...lines, ''].join('\n'));
    chownSync(join(dir, name), uid, -1);
  }
  const httpPort = await freePort();
  const rpcPort = await freePort();
  const olad = [
    'setpriv',
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
  ];
  const p = opts.netns ? run('ip', ['netns', 'exec', opts.netns, ...olad]) : run(olad[0]!, olad.slice(1));
  const url = (universe: number) => `http://127.0.0.1:${httpPort}/get_dmx?u=${universe}`;
  const dmx = async (universe: number): Promise<number[]> => {
    if (!opts.netns) {
      const res = await fetch(url(universe));
      return ((await res.json()) as { dmx: number[] }).dmx;
    }
    // Inside the namespace: a node one-liner reads it (the test process lives outside).
    const text = execFileSync(
      'ip',
      [
        'netns',
        'exec',
        opts.netns,
        process.execPath,
        '-e',
        `fetch(${JSON.stringify(url(universe))}).then((r) => r.text()).then((t) => process.stdout.write(t))`,
      ],
      { timeout: 5000 },
    ).toString();
    return (JSON.parse(text) as { dmx: number[] }).dmx;
  };
  await waitFor(
    async () => {
      try {
        await dmx(e131[0] ?? opts.artnet ?? opts.oscUniverse ?? 1);
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
