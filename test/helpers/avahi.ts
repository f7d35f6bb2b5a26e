/**
 * Avahi, the mDNS stack desks' Linux hosts use, as an independent resolver: the system D-Bus
 * (started when this machine has none running) and avahi-daemon inside a network namespace,
 * with a config that keeps it on that namespace's loopback. `browse` runs `avahi-browse -r`.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './daemon-process.js';
import { waitFor } from './wait.js';

const BUS_SOCKET = '/run/dbus/system_bus_socket';

function busRunning(): boolean {
  try {
    const pid = Number(readFileSync('/run/dbus/pid', 'utf8').trim());
    process.kill(pid, 0);
    return existsSync(BUS_SOCKET);
  } catch {
    return false;
  }
}

export interface Avahi {
  /** `avahi-browse -r -p -t TYPE`: the resolved lines (`=;iface;proto;name;type;domain;host;address;port;txt`). */
  browse(type: string): { name: string; host: string; address: string; port: number }[];
  stop(): Promise<void>;
}

export async function startAvahi(netns: string): Promise<Avahi> {
  let busPid: number | undefined;
  if (!busRunning()) {
    execFileSync('mkdir', ['-p', '/run/dbus']);
    // A bus that died (or a package's install that never started one) leaves its pid file and
    // socket behind, and dbus-daemon refuses to start over them.
    rmSync('/run/dbus/pid', { force: true });
    rmSync(BUS_SOCKET, { force: true });
    busPid = Number(execFileSync('dbus-daemon', ['--system', '--fork', '--print-pid']).toString().trim());
  }
  const dir = tempDir('codance-avahi-');
  const conf = join(dir, 'avahi-daemon.conf');
  writeFileSync(
    conf,
    [
      '[server]',
      'use-ipv4=yes',
      'use-ipv6=no',
      'allow-interfaces=lo',
      '[wide-area]',
      'enable-wide-area=no',
      '[publish]',
      'publish-hinfo=no',
      'publish-workstation=no',
      '',
    ].join('\n'),
  );
  const child = spawn(
    'ip',
    ['netns', 'exec', netns, 'avahi-daemon', '-f', conf, '--no-drop-root', '--no-chroot', '--no-rlimits'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  child.stdout.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr.on('data', (d: Buffer) => (log += d.toString()));
  await waitFor(() => log.includes('Server startup complete'), `avahi-daemon started (log: ${log})`, 10_000, 50);
  return {
    browse: (type) => {
      let text = '';
      try {
        text = execFileSync('avahi-browse', ['-r', '-p', '-t', type], { timeout: 4000 }).toString();
      } catch (err) {
        // Killed at the timeout: what it printed so far still counts.
        text = String((err as { stdout?: Buffer }).stdout ?? '');
      }
      return text
        .split('\n')
        .filter((l) => l.startsWith('='))
        .map((l) => {
          const f = l.split(';');
          return { name: f[3] ?? '', host: f[6] ?? '', address: f[7] ?? '', port: Number(f[8]) };
        });
    },
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode === null ? child.once('exit', r) : r(undefined)));
      if (busPid !== undefined)
        try {
          process.kill(busPid, 'SIGTERM');
        } catch {
          // Already gone.
        }
    },
  };
}
