/** The API as a technician meets it: the first admin from the CLI, then the running daemon over real HTTP. */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, startDaemon, tempDir, waitForHealth, type DaemonProcess } from '../helpers/daemon-process.js';
import { runCli } from '../helpers/run-cli.js';

const dir = tempDir('codance-api-int-');
const env = { CODANCE_STORE__PATH: join(dir, 'box.db'), CODANCE_AUTH__LOGIN_ATTEMPTS_PER_ADDRESS: '8' };
const PASSWORD = 'first admin passphrase';
let daemon: DaemonProcess | undefined;

afterAll(async () => {
  daemon?.child.kill('SIGTERM');
  await daemon?.exited;
});

describe('codance users create and the running API', () => {
  it('creates the first admin from stdin, refusing bad input with exit 2 and a duplicate with exit 1', () => {
    const args = [
      'users',
      'create',
      '--admin',
      '--username',
      'root',
      '--email',
      'root@venue.example',
      '--password-stdin',
    ];
    const ok = runCli(args, env, undefined, `${PASSWORD}\n`);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^created admin "root" \(id 1\) in .*box\.db$/m);
    expect(runCli(args, env, undefined, `${PASSWORD}\n`)).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/username "root" is already taken/) as unknown,
    });
    expect(runCli(args.slice(0, -1), env, undefined, PASSWORD)).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--password-stdin is required/) as unknown,
    });
    const short = runCli(
      ['users', 'create', '--username', 'x', '--email', 'nope', '--password-stdin'],
      env,
      undefined,
      'short\n',
    );
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/--username: .*--email: .*the password on stdin: must be at least 8 characters/);
    expect(
      runCli(
        ['users', 'create', '--role', 'wizard', '--username', 'abc', '--email', 'a@b.co', '--password-stdin'],
        env,
        undefined,
        'whatever12\n',
      ).code,
    ).toBe(2);
  });

  it('serves login, the API, /openapi.json and /docs over HTTP, throttling one address, logging no secret', async () => {
    const port = await freePort();
    daemon = startDaemon({ port, env });
    await waitForHealth(port);
    const base = `http://127.0.0.1:${port}`;
    const post = (path: string, body: unknown, token?: string) =>
      fetch(base + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
    const login = await post('/api/v1/users/token', { username: 'root', password: PASSWORD });
    expect(login.status).toBe(200);
    const { access_token: token } = (await login.json()) as { access_token: string };
    const event = await post(
      '/api/v1/events',
      { name: 'Friday', starts_at: new Date().toISOString(), ends_at: new Date(Date.now() + 3600_000).toISOString() },
      token,
    );
    expect(event.status).toBe(201);
    const sim = await post(
      '/api/v1/movement/simulate',
      { event_id: ((await event.json()) as { id: number }).id, duration_s: 5, dancers: 4 },
      token,
    );
    expect(await sim.json()).toMatchObject({ created: 20 });
    expect((await fetch(`${base}/openapi.json`)).status).toBe(200);
    expect(await (await fetch(`${base}/docs`)).text()).toContain('swagger-ui-bundle.js');
    const statuses: number[] = [];
    for (let i = 0; i < 9; i++)
      statuses.push((await post('/api/v1/users/token', { username: `guess${i}`, password: 'wrong wrong' })).status);
    // one address may try 8 times per window (the successful login above was the first)
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(2);
    const out = daemon.output();
    expect(out).toMatch(/"path":"\/api\/v1\/users\/token","status":401/);
    expect(out).not.toContain(PASSWORD);
    expect(out).not.toContain('$argon2');
    expect(out).not.toContain(token);
  });
});
