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
  run('initdb', ['-D', join(dir, 'data'), '-U', 'postgres', '-A', 'trust', '--no-locale', '--no-sync', '-E', 'UTF8']);
  run('pg_ctl', [
    '-D',
    join(dir, 'data'),
    '-w',
    '-l',
    join(dir, 'log'),
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`,
    'start',
  ]);
  return {
    port,
    createDb(name) {
      run('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', name]);
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    stop() {
      try {
        run('pg_ctl', ['-D', join(dir, 'data'), '-m', 'immediate', '-w', 'stop']);
      } catch {
        // already gone
      }
    },
  };
}
