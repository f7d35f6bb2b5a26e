/**
 * The peers of a cloud fleet, each a real process in a temp dir: pgbouncer (transaction
 * pooling) in front of a test PostgreSQL, and HAProxy balancing HTTP round robin over cloud
 * instances, checking each one's `/ready`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { freePort, tempDir } from './daemon-process.js';
import { waitFor } from './wait.js';

export interface Peer {
  port: number;
  proc: ChildProcess;
  log(): string;
  stop(): void;
}

const listening = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });

function run(cmd: string, args: string[], dir: string, port: number, logFile?: string): Peer {
  let out = '';
  const proc = spawn(cmd, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return {
    port,
    proc,
    log: () => out + (logFile ? readFileSync(logFile, 'utf8') : ''),
    stop: () => void proc.kill('SIGTERM'),
  };
}

/** pgbouncer in transaction mode, serving database `name` of the PostgreSQL on `pgPort`. */
export async function startPgbouncer(pgPort: number, name: string): Promise<Peer & { url: string }> {
  const dir = tempDir('codance-pgbouncer-');
  const port = await freePort();
  const conf = join(dir, 'pgbouncer.ini');
  writeFileSync(join(dir, 'users.txt'), '"postgres" ""\n');
  writeFileSync(
    conf,
    [
      '[databases]',
      `${name} = host=127.0.0.1 port=${pgPort} dbname=${name} user=postgres`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${join(dir, 'users.txt')}`,
      'pool_mode = transaction',
      'max_client_conn = 1000',
      'default_pool_size = 20',
      'ignore_startup_parameters = extra_float_digits,options',
      `logfile = ${join(dir, 'pgbouncer.log')}`,
    ].join('\n') + '\n',
  );
  // pgbouncer will not run as root: as postgres, which must own its folder.
  const root = process.getuid?.() === 0;
  if (root) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    chownSync(dir, uid, -1);
    for (const f of ['pgbouncer.ini', 'users.txt']) chownSync(join(dir, f), uid, -1);
  }
  const peer = run('pgbouncer', [...(root ? ['-u', 'postgres'] : []), conf], dir, port);
  await waitFor(() => listening(port), `pgbouncer on ${port}`, 10_000, 50);
  return { ...peer, url: `postgres://postgres@127.0.0.1:${port}/${name}` };
}

/** HAProxy on a free port, round robin over `servers` (ports on 127.0.0.1), each checked at /ready. */
export async function startHaproxy(servers: number[]): Promise<Peer & { origin: string }> {
  const dir = tempDir('codance-haproxy-');
  const port = await freePort();
  const conf = join(dir, 'haproxy.cfg');
  writeFileSync(
    conf,
    [
      'global',
      '  maxconn 2000',
      'defaults',
      '  mode http',
      '  timeout connect 5s',
      '  timeout client 60s',
      '  timeout server 60s',
      '  option forwardfor',
      'frontend cloud',
      `  bind 127.0.0.1:${port}`,
      '  default_backend instances',
      'backend instances',
      '  balance roundrobin',
      '  option httpchk GET /ready',
      // A busy instance answers /ready late, not never: taken out after 5 missed checks of 5 s.
      '  timeout check 5s',
      ...servers.map((p, i) => `  server c${i + 1} 127.0.0.1:${p} check inter 500ms fall 5 rise 1`),
    ].join('\n') + '\n',
  );
  const peer = run('haproxy', ['-f', conf, '-db'], dir, port);
  await waitFor(() => listening(port), `haproxy on ${port}`, 10_000, 50);
  return { ...peer, origin: `http://127.0.0.1:${port}` };
}
