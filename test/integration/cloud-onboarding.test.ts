/**
 * Onboarding a venue from the shell, against `codance cloud` on PostgreSQL: the operator makes
 * the organisation, a venue and a one-time code with the CLI; the box enrols under its own
 * `box.name`; while its daemon dances and syncs, `codance sync verify` gives an exact answer.
 */
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, sleep, startDaemon, tempDir, waitForHealth } from '../helpers/daemon-process.js';
import { startCloud } from '../helpers/cloud-process.js';
import { postgres, type Postgres } from '../helpers/postgres.js';
import { runCliAsync } from '../helpers/run-cli.js';

let pg: Postgres | undefined;
let cloud: ChildProcess | undefined;
const stops: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const stop of stops) await stop();
  cloud?.kill('SIGTERM');
  pg?.stop();
});

describe('venue onboarding from the shell', () => {
  it('creates a venue and a code by CLI, enrols the box by its name, and verifies while the daemon writes', async () => {
    pg = await postgres();
    const started = await startCloud(pg, 'onboarding_cloud');
    cloud = started.proc;
    const { db, port: cloudPort } = started;
    const cli = (args: string[], input = '') => runCliAsync([...args, '--db', db], input);
    expect(
      (await cli(['cloud', 'org', 'create', '--name', 'Salsa Co', '--owner', 'ops@salsa.example'], 'owner pass 123\n'))
        .code,
    ).toBe(0);

    const venue = await cli(['cloud', 'venue', 'create', '--org', 'Salsa Co', '--name', 'Main hall']);
    expect(venue.code, venue.out).toBe(0);
    const venueId = /venue (\d+) "Main hall" created in organisation 1 "Salsa Co"/.exec(venue.out)?.[1];
    expect(venueId).toBeDefined();
    expect(await cli(['cloud', 'venue', 'create', '--org', 'Salsa Co', '--name', 'Main hall'])).toMatchObject({
      code: 1,
      out: expect.stringMatching(/already has a venue named "Main hall"/) as unknown,
    });
    expect(await cli(['cloud', 'venue', 'create', '--org', 'Nobody', '--name', 'X'])).toMatchObject({
      code: 1,
      out: expect.stringMatching(/no organisation "Nobody"/) as unknown,
    });
    expect((await cli(['cloud', 'enrol-code', '--venue', venueId!, '--ttl', '3 weeks'])).code).toBe(2);
    expect(await cli(['cloud', 'enrol-code', '--venue', '999'])).toMatchObject({
      code: 1,
      out: expect.stringMatching(/no venue 999/) as unknown,
    });
    const issued = await cli(['cloud', 'enrol-code', '--venue', venueId!, '--ttl', '2h']);
    expect(issued.code, issued.out).toBe(0);
    const code = /^([A-Z0-9]{5}-[A-Z0-9]{5})$/m.exec(issued.out)?.[1];
    expect(code, issued.out).toBeDefined();
    expect(issued.out).toMatch(/valid until \S+: on the box, codance sync enrol/);

    const dir = tempDir('codance-onboard-');
    const config = join(dir, 'box.yaml');
    writeFileSync(
      config,
      [
        'box: { name: hall-box }',
        `store: { path: ${join(dir, 'box.db')}, chunkMs: 500 }`,
        'simulation: { dancers: 6, seed: 5, bpm: 124 }',
        'sync: { maxDelayMs: 300, backoff: { initialMs: 100, maxMs: 1000 } }',
      ].join('\n') + '\n',
    );
    const enrolled = await runCliAsync([
      'sync',
      'enrol',
      '--cloud',
      `http://127.0.0.1:${cloudPort}`,
      '--code',
      code!,
      '-c',
      config,
    ]);
    expect(enrolled.code, enrolled.out).toBe(0);
    const port = await freePort();
    const daemon = startDaemon({ port, args: ['--config', config] });
    stops.push(async () => {
      daemon.child.kill('SIGTERM');
      await daemon.exited;
    });
    await waitForHealth(port);
    await sleep(2000);

    // The daemon keeps writing and syncing all the while.
    for (let round = 0; round < 2; round++) {
      const verified = await runCliAsync(['sync', 'verify', '-c', config]);
      expect(verified.code, verified.out).toBe(0);
      expect(verified.out).toMatch(/^same {2}biometric_data +box +\d+ {2}cloud +\d+$/m);
      expect(verified.out).toMatch(/the cloud holds exactly this box's records up to outbox position \d+/);
      expect(verified.out).toMatch(/^beyond that: /m);
    }
    expect(daemon.child.exitCode).toBeNull();

    const listed = await cli(['cloud', 'venue', 'list']);
    expect(listed.out).toMatch(/^\s+\d+ {2}Main hall {2}\(Salsa Co\) {2}1 box, last sync \d{4}-/m);
    const login = (await (
      await fetch(`http://127.0.0.1:${cloudPort}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'ops@salsa.example', password: 'owner pass 123' }),
      })
    ).json()) as { access_token: string };
    const boxes = (await (
      await fetch(`http://127.0.0.1:${cloudPort}/api/v1/venues/${venueId}/boxes`, {
        headers: { authorization: `Bearer ${login.access_token}` },
      })
    ).json()) as { name: string }[];
    expect(boxes.map((b) => b.name)).toEqual(['hall-box']);

    // Enrolled again from a shell whose configuration is only the defaults (box.name
    // "codance-box") but the same store and port: the running daemon's own name is used.
    const again = await cli(['cloud', 'enrol-code', '--venue', venueId!]);
    const code2 = /^([A-Z0-9]{5}-[A-Z0-9]{5})$/m.exec(again.out)?.[1];
    const reEnrolled = await runCliAsync(
      ['sync', 'enrol', '--cloud', `http://127.0.0.1:${cloudPort}`, '--code', code2!],
      '',
      { CODANCE_STORE__PATH: join(dir, 'box.db'), CODANCE_HTTP__PORT: String(port) },
    );
    expect(reEnrolled.code, reEnrolled.out).toBe(0);
    const renamed = (await (
      await fetch(`http://127.0.0.1:${cloudPort}/api/v1/venues/${venueId}/boxes`, {
        headers: { authorization: `Bearer ${login.access_token}` },
      })
    ).json()) as { name: string }[];
    expect(renamed.map((b) => b.name)).toEqual(['hall-box']);
  });
});
