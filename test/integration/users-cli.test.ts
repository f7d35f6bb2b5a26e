/**
 * The accounts from the shell, against a running daemon: a change made by `codance users …`
 * takes effect on the API at once, and the API's rules hold (the last admin stays).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startDaemon, tempDir, waitForHealth, type DaemonProcess } from '../helpers/daemon-process.js';
import { runCli } from '../helpers/run-cli.js';
import { createAccount } from '../helpers/technician-daemon.js';

const dir = tempDir('codance-users-');
const env = { CODANCE_STORE__PATH: join(dir, 'box.db') };
let daemon: DaemonProcess;
let base = '';

const login = (username: string, password: string) =>
  fetch(`${base}/api/v1/users/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
const me = (token: string) => fetch(`${base}/api/v1/users/me`, { headers: { authorization: `Bearer ${token}` } });
const users = (args: string[], input?: string) => runCli(['users', ...args], env, undefined, input);

beforeAll(async () => {
  createAccount(env, 'root', 'admin', 'root passphrase 1');
  createAccount(env, 'maria', 'dancer', 'maria passphrase 1');
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  daemon = startDaemon({ port, env });
  await waitForHealth(port);
});

afterAll(async () => {
  daemon.child.kill('SIGTERM');
  await daemon.exited;
});

describe('codance users on a running box', () => {
  it('lists the accounts as a table and as JSON', () => {
    const table = users(['list']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^ID\s+USERNAME\s+EMAIL\s+ROLE\s+STATE\s+CREATED \(UTC\)$/m);
    expect(table.stdout).toMatch(/^1\s+root\s+root@venue\.example\s+admin\s+active\s+\d{4}-\d\d-\d\d \d\d:\d\d$/m);
    expect(table.stdout).toMatch(/^2\s+maria\s+maria@venue\.example\s+dancer\s+active/m);
    const json = JSON.parse(users(['list', '--json']).stdout) as { username: string; active: boolean }[];
    expect(json.map((u) => [u.username, u.active])).toEqual([
      ['root', true],
      ['maria', true],
    ]);
  });

  it('disables an account (its token stops working at once, it cannot log in) and enables it again', async () => {
    const token = ((await (await login('maria', 'maria passphrase 1')).json()) as { access_token: string })
      .access_token;
    expect((await me(token)).status).toBe(200);
    expect(users(['disable', 'maria'])).toMatchObject({ code: 0, stdout: '"maria" disabled\n' });
    expect((await me(token)).status).toBe(401);
    expect((await login('maria', 'maria passphrase 1')).status).toBe(401);
    expect(users(['list']).stdout).toMatch(/^2\s+maria\s+\S+\s+dancer\s+disabled/m);
    expect(users(['enable', 'maria@venue.example'])).toMatchObject({ code: 0, stdout: '"maria" enabled\n' });
    expect((await login('maria', 'maria passphrase 1')).status).toBe(200);
  });

  it('sets a password from stdin only, ending the old logins', async () => {
    const old = (await (await login('maria', 'maria passphrase 1')).json()) as { refresh_token: string };
    expect(users(['set-password', 'maria'], 'new passphrase 22\n')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--password-stdin is required/) as unknown,
    });
    expect(users(['set-password', 'maria', '--password-stdin'], 'short\n')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/the password on stdin must be at least 8 characters/) as unknown,
    });
    expect(users(['set-password', '2', '--password-stdin'], 'new passphrase 22\n').code).toBe(0);
    expect((await login('maria', 'maria passphrase 1')).status).toBe(401);
    expect((await login('maria', 'new passphrase 22')).status).toBe(200);
    const refreshed = await fetch(`${base}/api/v1/users/token/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refresh_token: old.refresh_token }),
    });
    expect(refreshed.status).toBe(401);
  });

  it('changes a role, and never leaves the box without an active admin', async () => {
    expect(users(['set-role', 'maria', 'technician'])).toMatchObject({
      code: 0,
      stdout: '"maria" is now technician (was dancer)\n',
    });
    const token = ((await (await login('maria', 'new passphrase 22')).json()) as { access_token: string }).access_token;
    expect(((await (await me(token)).json()) as { role: string }).role).toBe('technician');
    for (const args of [
      ['set-role', 'root', 'dancer'],
      ['disable', 'root'],
    ])
      expect(users(args)).toMatchObject({
        code: 2,
        stderr: expect.stringMatching(/last active admin; make another admin first/) as unknown,
      });
    expect(users(['set-role', 'maria', 'wizard'])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/role must be one of admin, technician, dancer/) as unknown,
    });
    expect(users(['disable', 'nobody'])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/no account "nobody"/) as unknown,
    });
    // With a second admin, the first may step down.
    expect(users(['set-role', 'maria', 'admin']).code).toBe(0);
    expect(users(['set-role', 'root', 'technician']).code).toBe(0);
  });
});
