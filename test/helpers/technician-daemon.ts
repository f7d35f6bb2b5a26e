/** The built daemon on a config file, with a technician made by the CLI and logged in over HTTP. */
import { expect } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, startDaemon, tempDir, waitForHealth, type DaemonProcess } from './daemon-process.js';
import { freeUdpPort, startOscdump, type Peer } from './osc-peers.js';
import { runCli } from './run-cli.js';

export interface TechnicianDaemon {
  daemon: DaemonProcess;
  /** http://127.0.0.1:PORT */
  base: string;
  /** The technician's Authorization header. */
  auth: Record<string, string>;
}

/** Makes an account with `codance users create` on the store `env` names (role `admin` for an admin). */
export function createAccount(
  env: Record<string, string>,
  username: string,
  role: 'admin' | 'technician' | 'dancer',
  password: string,
): void {
  const made = runCli(
    [
      'users',
      'create',
      ...(role === 'admin' ? ['--admin'] : ['--role', role]),
      '--username',
      username,
      '--email',
      `${username}@venue.example`,
      '--password-stdin',
    ],
    env,
    undefined,
    `${password}\n`,
  );
  expect(made.code, made.stderr).toBe(0);
}

/** Logs in over HTTP (`base` is http://HOST:PORT); returns the access token. */
export async function loginToken(base: string, username: string, password: string): Promise<string> {
  const login = await fetch(`${base}/api/v1/users/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  expect(login.status).toBe(200);
  return ((await login.json()) as { access_token: string }).access_token;
}

export async function technicianDaemon(
  configFile: string,
  user = { username: 'tech', password: 'night shift pw' },
): Promise<TechnicianDaemon> {
  const env = { CODANCE_CONFIG: configFile };
  createAccount(env, user.username, 'technician', user.password);
  const port = await freePort();
  const daemon = startDaemon({ port, env });
  await waitForHealth(port);
  const base = `http://127.0.0.1:${port}`;
  const token = await loginToken(base, user.username, user.password);
  return { daemon, base, auth: { authorization: `Bearer ${token}` } };
}

export interface DeskDaemon extends TechnicianDaemon {
  /** oscdump, the desk every rule sends to. */
  dump: Peer;
}

/**
 * The built daemon of a small simulated venue (2 dancers at 100 bpm, silent playback) whose
 * only OSC target is oscdump, running `rules` (YAML flow mappings, one per line).
 */
export async function deskDaemon(rules: string[], user: { username: string; password: string }): Promise<DeskDaemon> {
  const dir = tempDir();
  const oscPort = await freeUdpPort();
  const dump = await startOscdump(oscPort);
  const config = join(dir, 'box.yaml');
  writeFileSync(
    config,
    [
      `store:\n  path: ${join(dir, 'box.db')}`,
      'simulation:\n  dancers: 2\n  bpm: 100',
      `osc:\n  targets:\n    - {name: desk, host: 127.0.0.1, port: ${oscPort}}`,
      'mapping:\n  rules:',
      ...rules.map((r) => `    - ${r}`),
      "playback:\n  output: [-f, 'null', '-']",
    ].join('\n'),
  );
  return { ...(await technicianDaemon(config, user)), dump };
}
