/**
 * The fault drill of cloud sync, against a real PostgreSQL behind `codance cloud`: a simulated
 * venue dances while the uplink goes down, the cloud answers 500s, connections drop halfway
 * through a request and just before the acknowledgement, and the box is SIGKILLed three
 * times. Afterwards the cloud must hold exactly the box's records: the same count and content
 * checksum per table, nothing twice, and nothing of a dancer who did not consent to cloud sync.
 */
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteOutbox } from '../../daemon/store/outbox.js';
import { openCloudDb } from '../../sync/cloud/database.js';
import { boxChecksums } from '../../sync/cloud/sessions.js';
import { entitiesOf } from '../../sync/contract.js';
import { freePort, sleep, startDaemon, tempDir, waitForHealth, type DaemonProcess } from '../helpers/daemon-process.js';
import { faultProxy, type FaultMode, type FaultProxy } from '../helpers/fault-proxy.js';
import { startCloud, venueCode } from '../helpers/cloud-process.js';
import { postgres, type Postgres } from '../helpers/postgres.js';
import { runCliAsync } from '../helpers/run-cli.js';
import { seedSession } from '../helpers/box-session.js';

let pg: Postgres | undefined;
let cloud: ChildProcess | undefined;
let proxy: FaultProxy | undefined;
let daemon: DaemonProcess | undefined;
afterAll(async () => {
  daemon?.child.kill('SIGKILL');
  cloud?.kill('SIGTERM');
  await proxy?.close();
  pg?.stop();
});

describe('cloud sync under faults', () => {
  it('delivers every record exactly once through outages, 500s, dropped connections and SIGKILLs', async () => {
    pg = await postgres();
    const started = await startCloud(pg, 'fault_cloud');
    cloud = started.proc;
    const { db: url, port: cloudPort } = started;

    // The operator makes the organisation (CLI), its admin a venue and a one-time code (API).
    const { code } = await venueCode(started);

    const proxyPort = await freePort();
    proxy = await faultProxy(proxyPort, cloudPort);
    const dir = tempDir('codance-fault-');
    const dbPath = join(dir, 'codance.db');
    const configFile = join(dir, 'box.yaml');
    writeFileSync(
      configFile,
      [
        'box: { name: fault-venue }',
        `store: { path: ${dbPath}, chunkMs: 500 }`,
        'simulation: { dancers: 6, seed: 3, bpm: 124 }',
        'sync: { maxDelayMs: 300, maxBatchRecords: 250, requestTimeoutMs: 5000, backoff: { initialMs: 100, maxMs: 1000 } }',
        'osc: { in: { port: 0 }, query: { port: 0, mdns: false } }',
      ].join('\n') + '\n',
    );
    const enrolled = await runCliAsync([
      'sync',
      'enrol',
      '--cloud',
      `http://127.0.0.1:${proxyPort}`,
      '--code',
      code,
      '-c',
      configFile,
    ]);
    expect(enrolled.code, enrolled.out).toBe(0);

    // The session: an event, two dancers wearing bands 1 and 2. Nora consents to her
    // biometrics being recorded, not to them leaving the box; Cleo consents to both.
    const {
      users: { nora, cleo },
    } = seedSession(dbPath, { name: 'Fault night' }, [
      { name: 'nora', cloudConsent: false, band: 'sim-band-001' },
      { name: 'cleo', cloudConsent: true, band: 'sim-band-002' },
    ]);

    // Dance for ~30 s, with a fault every 1.5 s and a SIGKILL every 9 s.
    const port = await freePort();
    const boot = async () => {
      daemon = startDaemon({ port, args: ['--config', configFile] });
      await waitForHealth(port, 20_000);
    };
    await boot();
    const faults: FaultMode[] = [
      '500',
      'up',
      'cut-request',
      'up',
      'cut-response',
      'down',
      'up',
      'cut-response',
      '500',
      'down',
    ];
    let kills = 0;
    for (let step = 0; step < 20; step++) {
      await proxy.setMode(faults[step % faults.length]!);
      await sleep(1500);
      if (step % 6 === 5) {
        daemon!.child.kill('SIGKILL');
        await daemon!.exited;
        kills++;
        await boot();
      }
    }
    await proxy.setMode('up');
    daemon!.child.kill('SIGTERM');
    expect((await daemon!.exited).code).toBe(0);
    daemon = undefined;
    expect(kills).toBe(3);
    for (const mode of ['500', 'cut-request', 'cut-response', 'down'] as const)
      expect(proxy.counts[mode], `fault ${mode} happened`).toBeGreaterThan(0);

    // What the box still owes goes now (the CLI, with its progress line), then the CLI checks.
    const drained = await runCliAsync(['sync', 'now', '--timeout', '120', '-c', configFile]);
    expect(drained.code, drained.out).toBe(0);
    const verified = await runCliAsync(['sync', 'verify', '-c', configFile]);
    expect(verified.code, verified.out).toBe(0);
    expect(verified.out).toContain("the cloud holds exactly this box's records");

    // And checked here, independently of the CLI: per table, the same count and checksum.
    const check = new BetterSqlite3(dbPath, { readonly: true });
    const boxId = (check.prepare(`SELECT value FROM box_meta WHERE key = 'box_id'`).get() as { value: string }).value;
    const mine = new SqliteOutbox(check, boxId, { pseudonymise: true }).checksums(
      entitiesOf(['records', 'features', 'raw']),
    );
    const noraRows = (
      check.prepare('SELECT count(*) AS n FROM biometric_data WHERE user_id = ?').get(nora) as { n: number }
    ).n;
    const cleoRows = (
      check.prepare('SELECT count(*) AS n FROM biometric_data WHERE user_id = ?').get(cleo) as { n: number }
    ).n;
    check.close();
    const db = openCloudDb(url);
    try {
      const cloudBox = await db.db.selectFrom('boxes').select('id').where('uid', '=', boxId).executeTakeFirstOrThrow();
      const theirs = await boxChecksums(db.db, cloudBox.id);
      for (const [table, sum] of Object.entries(mine)) {
        if (sum.count === 0) expect(theirs[table], table).toBeUndefined();
        else expect(theirs[table], table).toEqual(sum);
      }
      expect(Object.keys(theirs).filter((t) => !mine[t])).toEqual([]);
      for (const table of ['events', 'users', 'device_assignments', 'biometric_data', 'stream_chunks', 'crowd_states'])
        expect(mine[table]!.count, table).toBeGreaterThan(0);
      // nothing twice (also what the unique key guarantees), and the total is the box's total
      const rows = await db.db
        .selectFrom('records')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('box_id', '=', cloudBox.id)
        .where('deleted', '=', 0)
        .executeTakeFirstOrThrow();
      expect(Number(rows.n)).toBe(Object.values(mine).reduce((s, t) => s + t.count, 0));
      // Consent: Nora's biometrics were recorded on the box, and none reached the cloud; Cleo's did.
      expect(noraRows).toBeGreaterThan(0);
      const leaked = await db.db
        .selectFrom('records')
        .select('id')
        .where('box_id', '=', cloudBox.id)
        .where('entity', 'in', ['biometric_data', 'inferences'])
        .where('user_ref', '=', nora)
        .execute();
      expect(leaked).toEqual([]);
      const cleoCloud = await db.db
        .selectFrom('records')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('box_id', '=', cloudBox.id)
        .where('entity', '=', 'biometric_data')
        .where('user_ref', '=', cleo)
        .executeTakeFirstOrThrow();
      expect(Number(cleoCloud.n)).toBe(cleoRows);
      // Pseudonymised: the users travel without username, email or password hash.
      const users = await db.db
        .selectFrom('records')
        .select('data')
        .where('box_id', '=', cloudBox.id)
        .where('entity', '=', 'users')
        .execute();
      for (const u of users)
        expect(
          Object.keys(JSON.parse(u.data) as object).filter((k) => ['username', 'email', 'password_hash'].includes(k)),
        ).toEqual([]);
    } finally {
      await db.close();
    }
    expect(started.log()).not.toMatch(/unhandled error/);
  }, 240_000);
});
