/** `codance cloud` from dist/ as a real process on PostgreSQL, the way the cloud tests start it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { CLI, ROOT, freePort } from './daemon-process.js';
import type { Postgres } from './postgres.js';
import { waitFor } from './wait.js';

export interface CloudProcess {
  /** The database URL it serves from. */
  db: string;
  /** http://127.0.0.1:PORT */
  origin: string;
  port: number;
  proc: ChildProcess;
  /** What it logged so far (warnings and errors). */
  log(): string;
}

/** A new database `name` on `pg`, and the cloud serving it, answering /health. */
export async function startCloud(pg: Postgres, name: string): Promise<CloudProcess> {
  const db = pg.createDb(name);
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const proc = spawn(process.execPath, [CLI, 'cloud', '--db', db, '--port', String(port), '--log-level', 'warn'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  proc.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  await waitFor(
    async () => (await fetch(`${origin}/health`).catch(() => undefined))?.ok === true,
    'codance cloud /health',
    20_000,
    100,
  );
  return { db, origin, port, proc, log: () => log };
}
