/** `codance cloud` from dist/ as a real process on PostgreSQL, the way the cloud tests start it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { CLI, ROOT, freePort } from './daemon-process.js';
import type { Postgres } from './postgres.js';
import { runCliAsync } from './run-cli.js';
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

/**
 * What an operator does before a box can enrol: the organisation and its owner (CLI, on the
 * database), then, as the owner over the API, a venue and a one-time code.
 */
export async function venueCode(cloud: CloudProcess): Promise<{ token: string; venueId: number; code: string }> {
  const org = await runCliAsync(
    ['cloud', 'org', 'create', '--name', 'Salsa Co', '--owner', 'ops@salsa.example', '--db', cloud.db],
    'a long enough password\n',
  );
  if (org.code !== 0) throw new Error(`cloud org create: ${org.out}`);
  const call = async (path: string, init: RequestInit & { token?: string } = {}) =>
    (await fetch(`${cloud.origin}${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', ...(init.token && { authorization: `Bearer ${init.token}` }) },
    }).then((r) => r.json())) as Record<string, unknown>;
  const token = (
    await call('/api/v1/auth/login', {
      method: 'POST',
      body: JSON.stringify({ email: 'ops@salsa.example', password: 'a long enough password' }),
    })
  ).access_token as string;
  const venue = await call('/api/v1/orgs/1/venues', {
    method: 'POST',
    token,
    body: JSON.stringify({ name: 'Main hall' }),
  });
  const venueId = venue.id as number;
  const code = (await call(`/api/v1/venues/${venueId}/enrolment-codes`, { method: 'POST', token })).code as string;
  return { token, venueId, code };
}
