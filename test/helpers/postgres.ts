/**
 * A real PostgreSQL 15 server for one test file: its own data folder, port and socket in a
 * temp dir (TESTING.md). As root it runs as user `postgres`, which must own the folder.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort, tempDir } from './daemon-process.js';

const BIN = '/usr/lib/postgresql/15/bin';

export interface Postgres {
  port: number;
  /** A new, empty database; its URL. */
  createDb(name: string): string;
  /** A hot standby of this server by streaming replication (pg_basebackup), started on its own port. */
  standby(): Promise<Standby>;
  stop(): void;
}

export interface Standby {
  port: number;
  /** The URL of database `name` on the standby. */
  url(name: string): string;
  stop(): void;
}

export async function postgres(): Promise<Postgres> {
  if (!existsSync(join(BIN, 'pg_ctl')))
    throw new Error(`PostgreSQL 15 is not installed (${BIN}/pg_ctl missing): npm test installs it`);
  const dir = tempDir('codance-pg-');
  const port = await freePort();
  const root = userInfo().uid === 0;
  if (root) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  const run = (cmd: string, args: string[]) =>
    execFileSync(root ? 'runuser' : join(BIN, cmd), root ? ['-u', 'postgres', '--', join(BIN, cmd), ...args] : args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: dir,
    });
  const start = (data: string, log: string, p: number) =>
    run('pg_ctl', [
      '-D',
      data,
      '-w',
      '-l',
      log,
      '-o',
      `-p ${p} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`,
      'start',
    ]);
  const stop = (data: string) => {
    try {
      run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } catch {
      // already gone
    }
  };
  run('initdb', ['-D', join(dir, 'data'), '-U', 'postgres', '-A', 'trust', '--no-locale', '--no-sync', '-E', 'UTF8']);
  start(join(dir, 'data'), join(dir, 'log'), port);
  let standbys = 0;
  return {
    port,
    createDb(name) {
      run('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', name]);
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    async standby() {
      const data = join(dir, `standby${++standbys}`);
      const p = await freePort();
      // -R writes primary_conninfo and standby.signal: the copy starts as a streaming hot standby.
      run('pg_basebackup', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-D', data, '-R', '-X', 'stream']);
      start(data, `${data}.log`, p);
      return {
        port: p,
        url: (name) => `postgres://postgres@127.0.0.1:${p}/${name}`,
        stop: () => stop(data),
      };
    },
    stop: () => stop(join(dir, 'data')),
  };
}
