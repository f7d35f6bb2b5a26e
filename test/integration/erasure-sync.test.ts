/**
 * A dancer's erasure reaching the cloud, on a real PostgreSQL behind `codance cloud`: two
 * consenting dancers' nights are synced by `codance sync now`; one asks to be erased through
 * the API; after the next sync the cloud holds no record of her pseudonym (account, readings,
 * her band's raw chunks) and the box none of her rows, while the other dancer's data is the
 * same in both places, record for record. A second erasure changes nothing, and `sync verify`
 * finds the box and the cloud identical.
 */
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openCloudDb, type CloudDb } from '../../sync/cloud/database.js';
import { apiHarness, type ApiHarness } from '../helpers/api-app.js';
import { startCloud, venueCode } from '../helpers/cloud-process.js';
import { seedDancerData } from '../helpers/dancer-data.js';
import { tempDir } from '../helpers/daemon-process.js';
import { postgres, type Postgres } from '../helpers/postgres.js';
import { runCliAsync } from '../helpers/run-cli.js';

let pg: Postgres | undefined;
let cloud: ChildProcess | undefined;
let api: ApiHarness | undefined;
let db: CloudDb | undefined;
afterAll(async () => {
  await db?.close();
  await api?.stop();
  cloud?.kill('SIGTERM');
  pg?.stop();
});

describe('erasure through sync', () => {
  it("removes a dancer from the cloud and the box, leaves the other dancer's data as it was, and is a no-op the second time", async () => {
    pg = await postgres();
    const started = await startCloud(pg, 'erasure_cloud');
    cloud = started.proc;
    const { code } = await venueCode(started);

    // The box: two dancers who consent to cloud sync, each with a night on a band; a band nobody wore.
    api = await apiHarness();
    const box = api;
    for (const who of ['dancer', 'other'] as const) {
      const r = await box.call(`/api/v1/users/${box.ids[who]}`, {
        method: 'PUT',
        token: box.tokens[who],
        body: { consent_cloud_sync: true },
      });
      expect(r.status).toBe(200);
    }
    const t0 = Date.now() - 3_600_000;
    const hers = seedDancerData(box.store.sqlite, { userId: box.ids.dancer, band: 'sim:band-her', t0, seconds: 300 });
    seedDancerData(box.store.sqlite, { userId: box.ids.other, band: 'sim:band-his', t0, seconds: 200 });
    seedDancerData(box.store.sqlite, { userId: null, band: 'sim:band-free', t0, seconds: 50 });
    const pseudonym = (
      box.store.sqlite.prepare('SELECT pseudonym FROM users WHERE id = ?').get(box.ids.dancer) as {
        pseudonym: string;
      }
    ).pseudonym;

    const dir = tempDir('codance-erasure-');
    const config = join(dir, 'box.yaml');
    writeFileSync(config, `box: { name: erasure-box }\nstore: { path: ${box.store.path} }\n`);
    const enrolled = await runCliAsync(['sync', 'enrol', '--cloud', started.origin, '--code', code, '-c', config]);
    expect(enrolled.code, enrolled.out).toBe(0);
    const sync = async () => {
      const r = await runCliAsync(['sync', 'now', '--timeout', '60', '-c', config]);
      expect(r.code, r.out).toBe(0);
    };
    await sync();

    db = openCloudDb(started.db);
    const cloudDb = db.db;
    const boxId = (
      box.store.sqlite.prepare("SELECT value FROM box_meta WHERE key = 'box_id'").get() as { value: string }
    ).value;
    const cloudBox = (await cloudDb.selectFrom('boxes').select('id').where('uid', '=', boxId).executeTakeFirstOrThrow())
      .id;
    const all = () =>
      cloudDb
        .selectFrom('records')
        .select(['entity', 'entity_id', 'seq', 'user_ref', 'data'])
        .where('box_id', '=', cloudBox)
        .orderBy('entity')
        .orderBy('entity_id')
        .execute();
    /** Her records in the cloud: her account, what names her, her band's chunks. */
    const isHers = (r: { entity: string; entity_id: number; user_ref: number | null; data: string }) =>
      Number(r.user_ref) === box.ids.dancer ||
      (r.entity === 'users' && Number(r.entity_id) === box.ids.dancer) ||
      (r.entity === 'stream_chunks' && (JSON.parse(r.data) as { device_id: number }).device_id === hers.deviceId);
    const digest = (rows: Awaited<ReturnType<typeof all>>) => {
      const h = createHash('sha256');
      for (const r of rows) h.update(`${r.entity}\t${r.entity_id}\t${r.seq}\t${r.data}\n`);
      return { n: rows.length, sha: h.digest('hex') };
    };

    const before = await all();
    const herBefore = before.filter(isHers);
    expect(herBefore.filter((r) => r.entity === 'biometric_data')).toHaveLength(hers.biometrics);
    expect(herBefore.filter((r) => r.entity === 'stream_chunks')).toHaveLength(hers.chunks);
    expect(before.filter((r) => r.data.includes(pseudonym))).toHaveLength(1);
    const othersBefore = digest(before.filter((r) => !isHers(r)));
    expect(othersBefore.n).toBeGreaterThan(200 + 200 / 3 + 200 + 50);

    // She asks to be erased.
    const erased = await box.call(`/api/v1/users/${box.ids.dancer}/erasure`, {
      method: 'POST',
      token: box.tokens.dancer,
    });
    expect(erased.status, erased.text).toBe(200);
    await sync();

    const after = await all();
    expect(after.filter((r) => r.data.includes(pseudonym))).toEqual([]);
    expect(after.filter(isHers)).toEqual([]);
    expect(digest(after.filter((r) => r.entity !== 'erasures'))).toEqual(othersBefore);
    // What stays is the erasure itself, which names no one.
    const erasures = after.filter((r) => r.entity === 'erasures');
    expect(erasures).toHaveLength(1);
    expect(JSON.parse(erasures[0]!.data)).toMatchObject({ subject_id: box.ids.dancer, via: 'api' });
    // The box holds none of her rows.
    const q = (s: string, ...a: unknown[]) => (box.store.sqlite.prepare(s).get(...a) as { n: number }).n;
    for (const table of ['biometric_data', 'inferences', 'device_assignments', 'registrations', 'consent_changes'])
      expect(q(`SELECT count(*) AS n FROM ${table} WHERE user_id = ?`, box.ids.dancer), table).toBe(0);
    expect(q('SELECT count(*) AS n FROM users WHERE id = ?', box.ids.dancer)).toBe(0);
    expect(q('SELECT count(*) AS n FROM stream_chunks WHERE device_id = ?', hers.deviceId)).toBe(0);

    // A second erasure is a no-op, here and in the cloud.
    const again = await box.call(`/api/v1/users/${box.ids.dancer}/erasure`, {
      method: 'POST',
      token: box.tokens.admin,
    });
    expect(again.body).toMatchObject({ status: 'already_erased' });
    await sync();
    expect(digest(await all())).toEqual(digest(after));
    const verified = await runCliAsync(['sync', 'verify', '-c', config]);
    expect(verified.code, verified.out).toBe(0);
  });
});
