/** The built daemon on a config file, with a technician made by the CLI and logged in over HTTP. */
import { expect } from 'vitest';
import { freePort, startDaemon, waitForHealth, type DaemonProcess } from './daemon-process.js';
import { runCli } from './run-cli.js';

export interface TechnicianDaemon {
  daemon: DaemonProcess;
  /** http://127.0.0.1:PORT */
  base: string;
  /** The technician's Authorization header. */
  auth: Record<string, string>;
}

export async function technicianDaemon(configFile: string, user = { username: 'tech', password: 'night shift pw' }): Promise<TechnicianDaemon> {
  const env = { CODANCE_CONFIG: configFile };
  const made = runCli(['users', 'create', '--role', 'technician', '--username', user.username, '--email', `${user.username}@venue.example`, '--password-stdin'], env, undefined, `${user.password}\n`);
  expect(made.code, made.stderr).toBe(0);
  const port = await freePort();
  const daemon = startDaemon({ port, env });
  await waitForHealth(port);
  const base = `http://127.0.0.1:${port}`;
  const login = await fetch(`${base}/api/v1/users/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(user) });
  const { access_token: token } = (await login.json()) as { access_token: string };
  return { daemon, base, auth: { authorization: `Bearer ${token}` } };
}
