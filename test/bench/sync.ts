/**
 * Cloud sync figures: how fast a backlog drains to `codance cloud` on PostgreSQL over
 * loopback (against the same rows inserted straight into PostgreSQL), and how many bytes a
 * dancer-hour costs on the wire with the default priority set (a real simulated venue,
 * recorded by the built daemon, then drained).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { SqliteOutbox } from '../../daemon/store/outbox.js';
import { Store } from '../../daemon/store/store.js';
import { Accounts } from '../../sync/cloud/accounts.js';
import { startCloud, type RunningCloud } from '../../sync/cloud/server.js';
import type { SyncClass } from '../../sync/contract.js';
import { SyncClient, type SyncClientOptions } from '../../sync/sync-client.js';
import { freePort, sleep, startDaemon, tempDir, waitForHealth } from '../helpers/daemon-process.js';
import { postgres, type Postgres } from '../helpers/postgres.js';

const quiet = { info: () => undefined, error: () => undefined };
const options = (classes: SyncClass[]): SyncClientOptions => ({
  classes,
  maxBatchRecords: 2000,
  maxBatchBytes: 1024 * 1024,
  maxDelayMs: 100,
  maxBytesPerSecond: 0,
  backoff: { initialMs: 100, maxMs: 1000 },
  requestTimeoutMs: 30_000,
});

async function enrolledBox(cloud: RunningCloud, dbPath: string, n: number): Promise<void> {
  const accounts = new Accounts(cloud.db.db);
  const { orgId, userId } = await accounts.createOrg(`bench-${randomUUID()}`, {
    email: `${randomUUID()}@bench.example`,
    password: 'bench-password',
  });
  const venue = await accounts.createVenue(orgId, 'hall');
  const { code } = await accounts.enrolmentCode(venue, userId);
  const db = new BetterSqlite3(dbPath);
  const boxId = (db.prepare(`SELECT value FROM box_meta WHERE key = 'box_id'`).get() as { value: string }).value;
  const { token } = await accounts.enrol(code, boxId, `bench-${n}`);
  const put = db.prepare(
    'INSERT INTO box_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  );
  put.run('cloud_url', `http://127.0.0.1:${cloud.port}`);
  put.run('cloud_token', token);
  db.close();
}

async function drain(
  dbPath: string,
  classes: SyncClass[],
): Promise<{ records: number; wireBytes: number; rawBytes: number; seconds: number }> {
  const db = new BetterSqlite3(dbPath);
  const boxId = (db.prepare(`SELECT value FROM box_meta WHERE key = 'box_id'`).get() as { value: string }).value;
  const client = new SyncClient(options(classes), new SqliteOutbox(db, boxId, { pseudonymise: true }));
  const t0 = performance.now();
  client.start();
  client.syncNow();
  for (;;) {
    await sleep(20);
    const s = client.status();
    if (s.backlog.entries === 0 && !s.draining) break;
    if (s.consecutiveFailures > 5) throw new Error(`sync failing: ${s.lastError}`);
  }
  const seconds = (performance.now() - t0) / 1000;
  const s = client.status();
  await client.stop();
  db.close();
  return { records: s.sent.records, wireBytes: s.sent.wireBytes, rawBytes: s.sent.rawBytes, seconds };
}

/** A backlog of `dancers` × `seconds` written through the store's real write path (HR 1 Hz, EDA 4 Hz, temp 1 Hz, 50 Hz IMU chunks). */
async function backlog(path: string, dancers: number, seconds: number): Promise<void> {
  const t0 = Date.now() - seconds * 1000;
  let now = t0;
  const store = new Store({ path, batchMs: 100, maxBatchRows: 5000, chunkMs: 1000 }, () => now);
  await store.start();
  for (let d = 0; d < dancers; d++)
    store.registerDevice({ key: `band-${d}`, kind: 'wearable', transport: 'sim', model: 'bench', name: `band ${d}` });
  for (let s = 0; s < seconds; s++) {
    now = t0 + s * 1000;
    for (let d = 0; d < dancers; d++) {
      const key = `band-${d}`;
      store.write({
        kind: 'heart_rate',
        deviceKey: key,
        receivedAt: now,
        index: s,
        bpm: 110 + ((s + d) % 30),
        rr1024: [540, 548],
      });
      store.write({ kind: 'skin_temp', deviceKey: key, receivedAt: now, index: s, value: 33 + (d % 3) * 0.1 });
      for (let k = 0; k < 4; k++)
        store.write({
          kind: 'eda',
          deviceKey: key,
          receivedAt: now + k * 250,
          index: s * 4 + k,
          value: 2 + Math.sin(s + k),
        });
      const values = new Float32Array(50 * 3).map((_, i) => Math.sin(i + s + d));
      store.write({
        kind: 'raw',
        deviceKey: key,
        stream: 'acc',
        receivedAt: now,
        firstIndex: s * 50,
        startedAt: now,
        rateHz: 50,
        channels: 3,
        values,
      });
    }
    store.flush();
  }
  await store.stop();
}

/** The same number of rows, inserted straight into PostgreSQL in batches of 2000 (no HTTP, no JSON, no gzip). */
async function rawPostgres(pg: Postgres, records: number): Promise<number> {
  const cloud = await startCloud({
    db: pg.createDb(`bench_raw_${process.pid}`),
    host: '127.0.0.1',
    port: 0,
    version: 'bench',
    log: quiet,
  });
  try {
    const accounts = new Accounts(cloud.db.db);
    const { orgId } = await accounts.createOrg('raw', { email: 'raw@bench.example', password: 'bench-password' });
    const venue = await accounts.createVenue(orgId, 'hall');
    const box = await cloud.db.db
      .insertInto('boxes')
      .values({
        uid: randomUUID(),
        venue_id: venue,
        name: 'raw',
        token_hash: randomUUID(),
        enrolled_at: 0,
        last_seen_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const t0 = performance.now();
    for (let i = 0; i < records; i += 2000) {
      const rows = Array.from({ length: Math.min(2000, records - i) }, (_, k) => ({
        box_id: box.id,
        entity: 'biometric_data',
        entity_id: i + k,
        seq: i + k + 1,
        deleted: 0,
        event_id: null,
        at: i + k,
        stream: 'hr',
        user_ref: null,
        data: `{"heart_rate":${100 + (k % 50)},"id":${i + k}}`,
        received_at: 0,
      }));
      await cloud.db.db.insertInto('records').values(rows).execute();
    }
    return records / ((performance.now() - t0) / 1000);
  } finally {
    await cloud.close();
  }
}

export async function syncFigures(): Promise<
  Record<string, { value: number; unit: string; baseline?: number; ratio?: number }>
> {
  const pg = await postgres();
  const round = (x: number, d = 0) => Math.round(x * 10 ** d) / 10 ** d;
  try {
    const cloud = await startCloud({
      db: pg.createDb(`bench_${process.pid}`),
      host: '127.0.0.1',
      port: 0,
      version: 'bench',
      log: quiet,
    });
    const out: Record<string, { value: number; unit: string; baseline?: number; ratio?: number }> = {};
    try {
      // 1. drain rate: 50 dancers × 120 s ≈ 42 000 records
      const dir = tempDir('codance-bench-sync-');
      const path = join(dir, 'box.db');
      await backlog(path, 50, 120);
      await enrolledBox(cloud, path, 1);
      const d = await drain(path, ['records', 'features', 'raw']);
      const raw = await rawPostgres(pg, d.records);
      out['sync.drain_records_per_s'] = {
        value: round(d.records / d.seconds),
        unit: `records/s box → cloud on PostgreSQL over loopback (${d.records} records, gzip JSON batches of ≤2000)`,
        baseline: round(raw),
        ratio: round(d.records / d.seconds / raw, 3),
      };
      out['sync.drain_wire_mb_per_s'] = {
        value: round(d.wireBytes / d.seconds / 1e6, 2),
        unit: `MB/s compressed on the wire (${round(d.rawBytes / d.seconds / 1e6, 2)} MB/s of JSON before gzip)`,
      };

      // 2. wire bytes per dancer-hour: the built daemon's simulated venue, then drained per class set
      const venueDir = tempDir('codance-bench-venue-');
      const venueDb = join(venueDir, 'box.db');
      const port = await freePort();
      const dancers = 8;
      const seconds = 30;
      writeFileSync(
        join(venueDir, 'box.yaml'),
        `store: { path: ${venueDb} }\nsimulation: { dancers: ${dancers}, seed: 5 }\nsync: { enabled: false }\nosc: { in: { port: 0 }, query: { port: 0, mdns: false } }\n`,
      );
      const daemon = startDaemon({ port, args: ['--config', join(venueDir, 'box.yaml')] });
      await waitForHealth(port, 20_000);
      await sleep(seconds * 1000);
      daemon.child.kill('SIGTERM');
      await daemon.exited;
      if (!existsSync(venueDb)) throw new Error('the daemon wrote no store');
      const hours = (dancers * seconds) / 3600;
      for (const [name, classes] of [
        ['default', ['records', 'features', 'raw']],
        ['no_raw', ['records', 'features']],
      ] as const) {
        const copy = join(venueDir, `${name}.db`);
        const src = new BetterSqlite3(venueDb);
        await src.backup(copy);
        src.close();
        // each copy is its own box to the cloud
        const c = new BetterSqlite3(copy);
        c.prepare(`UPDATE box_meta SET value = ? WHERE key = 'box_id'`).run(randomUUID());
        c.close();
        await enrolledBox(cloud, copy, 2);
        const r = await drain(copy, [...classes]);
        out[`sync.wire_bytes_per_dancer_hour${name === 'default' ? '' : '_no_raw'}`] = {
          value: round(r.wireBytes / hours),
          unit: `bytes/dancer-hour on the wire, classes ${classes.join('+')} (${dancers} simulated dancers × ${seconds} s, ${r.records} records, gzip ratio ${round(r.rawBytes / Math.max(1, r.wireBytes), 1)})`,
        };
      }
    } finally {
      await cloud.close();
    }
    return out;
  } finally {
    pg.stop();
  }
}
