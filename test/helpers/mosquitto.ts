/**
 * A real mosquitto 2 broker (MQTT 5) for one test file: its own port, config and persistence
 * folder in a temp dir. As root it drops to user `mosquitto`, which must own that folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { freePort, tempDir } from './daemon-process.js';
import { waitFor } from './wait.js';
import { connect } from 'node:net';

export interface Broker {
  port: number;
  url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  log(): string;
}

const MOSQUITTO = '/usr/sbin/mosquitto';

export async function mosquitto(port?: number): Promise<Broker> {
  const dir = tempDir('codance-mqtt-');
  const p = port ?? (await freePort());
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      `listener ${p} 127.0.0.1`,
      'allow_anonymous true',
      'persistence true',
      `persistence_location ${dir}/`,
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      'log_type notice',
    ].join('\n') + '\n',
  );
  if (userInfo().uid === 0) {
    const ids = execFileSync('id', ['-u', 'mosquitto']).toString().trim();
    const gid = execFileSync('id', ['-g', 'mosquitto']).toString().trim();
    chownSync(dir, Number(ids), Number(gid));
  }
  let child: ChildProcess | undefined;
  let log = '';
  const reachable = (): Promise<boolean> =>
    new Promise((res) => {
      const s = connect(p, '127.0.0.1');
      s.once('connect', () => (s.destroy(), res(true)));
      s.once('error', () => res(false));
    });
  const broker: Broker = {
    port: p,
    url: `mqtt://127.0.0.1:${p}`,
    log: () => log,
    async start() {
      child = spawn(MOSQUITTO, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
      child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
      await waitFor(() => reachable(), `mosquitto on ${p}`, 5000, 20);
    },
    async stop() {
      const c = child;
      child = undefined;
      if (!c || c.exitCode !== null) return;
      await new Promise((r) => {
        c.once('exit', r);
        c.kill('SIGTERM');
      });
    },
  };
  return broker;
}
