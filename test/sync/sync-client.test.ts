/**
 * The sync client against the real cloud app (on SQLite, called in-process): priority order,
 * classes switched off, pseudonymisation, exponential backoff with jitter, a 413 halving the
 * batch, the bandwidth cap, and a withdrawn consent stopping rows already enqueued.
 */
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteOutbox } from '../../daemon/store/outbox.js';
import { Store } from '../../daemon/store/store.js';
import { cloudApp } from '../../sync/cloud/app.js';
import { Accounts } from '../../sync/cloud/accounts.js';
import { migrateCloud, openCloudDb, type CloudDb } from '../../sync/cloud/database.js';
import { syncClasses, type SyncBatch, type SyncClass } from '../../sync/contract.js';
import { SyncClient, type SyncClientOptions, type SyncHooks } from '../../sync/sync-client.js';
import { tempDir } from '../helpers/daemon-process.js';
import { waitFor } from '../helpers/wait.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const options = (o: Partial<SyncClientOptions> = {}): SyncClientOptions => ({
  classes: ['records', 'features', 'raw'],
  maxBatchRecords: 2000,
  maxBatchBytes: 1024 * 1024,
  maxDelayMs: 50,
  maxBytesPerSecond: 0,
  backoff: { initialMs: 20, maxMs: 200 },
  requestTimeoutMs: 5000,
  ...o,
});

/** A box with users, readings and IMU chunks enqueued, enrolled with a fresh cloud. */
async function setup(opts: { maxIngestBytes?: number } = {}) {
  const dir = tempDir('codance-syncc-');
  const cloud: CloudDb = openCloudDb(join(dir, 'cloud.sqlite'));
  await migrateCloud(cloud);
  const app = cloudApp({ db: cloud.db, version: 'test', ...opts });
  const accounts = new Accounts(cloud.db);
  const { orgId, userId } = await accounts.createOrg('Org', { email: 'o@x.example', password: 'password1' });
  const venue = await accounts.createVenue(orgId, 'hall');
  const store = new Store({ path: join(dir, 'box.db'), batchMs: 10, maxBatchRows: 1000, chunkMs: 1000 });
  await store.start();
  const { token } = await accounts.enrol((await accounts.enrolmentCode(venue, userId)).code, store.boxId, 'box');
  const db = store.sqlite;
  db.prepare(`INSERT INTO box_meta (key, value) VALUES ('cloud_url', 'http://cloud.test'), ('cloud_token', ?)`).run(
    token,
  );
  const now = Date.now();
  for (const name of ['ana', 'ben', 'cleo']) {
    const id = db
      .prepare(
        `INSERT INTO users (username, email, password_hash, role, pseudonym, consent_biometrics, consent_cloud_sync, created_at, updated_at) VALUES (?, ?, 'secret-hash', 'dancer', ?, 1, 1, ?, ?)`,
      )
      .run(name, `${name}@x.example`, `p_${name}`, now, now).lastInsertRowid;
    db.prepare(`INSERT INTO outbox (entity, entity_id, op, created_at) VALUES ('users', ?, 'upsert', ?)`).run(id, now);
  }
  store.registerDevice({ key: 'band', kind: 'wearable', transport: 'sim', model: 'x', name: 'band' });
  for (let s = 0; s < 20; s++) {
    store.write({
      kind: 'heart_rate',
      deviceKey: 'band',
      receivedAt: now + s * 1000,
      index: s,
      bpm: 100 + s,
      rr1024: [600],
    });
    store.write({
      kind: 'raw',
      deviceKey: 'band',
      stream: 'acc',
      receivedAt: now + s * 1000,
      firstIndex: s * 50,
      startedAt: now + s * 1000,
      rateHz: 50,
      channels: 3,
      values: new Float32Array(150).map((_, i) => Math.sin(i * 0.37 + s)),
    });
  }
  await store.stop();
  await store.start();
  const batches: SyncBatch[] = [];
  let fail = 0;
  const fetchHook: NonNullable<SyncHooks['fetch']> = async (input, init) => {
    if (fail > 0) {
      fail--;
      throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    }
    const body = Buffer.from(init?.body as Uint8Array);
    const res = await app.fetch(new Request(input instanceof URL ? input.href : input, init));
    if (res.ok) batches.push(JSON.parse(gunzipSync(body).toString()) as SyncBatch);
    return res;
  };
  const outbox = new SqliteOutbox(store.sqlite, store.boxId, { pseudonymise: true });
  cleanups.push(async () => {
    await store.stop();
    await cloud.close();
  });
  return { store, cloud, outbox, batches, fetchHook, failNext: (n: number) => (fail = n) };
}

async function drain(client: SyncClient): Promise<void> {
  client.start();
  client.syncNow();
  await waitFor(
    () => client.status().backlog.entries === 0 && !client.status().draining,
    'the backlog drained',
    10_000,
    10,
  );
  await client.stop();
}

const classOf = (entity: string): SyncClass =>
  (Object.keys(syncClasses) as SyncClass[]).find((c) => (syncClasses[c] as readonly string[]).includes(entity))!;

describe('sync client', () => {
  it('sends records, then features, then raw chunks, pseudonymised, each batch within its bounds', async () => {
    const s = await setup();
    await drain(new SyncClient(options({ maxBatchRecords: 7 }), s.outbox, { fetch: s.fetchHook }));
    const order = s.batches.flatMap((b) =>
      b.records.map((r) => ['records', 'features', 'raw'].indexOf(classOf(r.entity))),
    );
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(order.length).toBe(3 + 20 + 20);
    expect(Math.max(...s.batches.map((b) => b.records.length))).toBeLessThanOrEqual(7);
    const users = s.batches.flatMap((b) => b.records).filter((r) => r.entity === 'users');
    for (const u of users) expect(Object.keys(u.data!).sort()).not.toContain('username');
    expect(JSON.stringify(users)).not.toMatch(/secret-hash|@x\.example/);
    const cloudIds = await s.cloud.db.selectFrom('records').select('entity').execute();
    expect(cloudIds.length).toBe(43);
  });

  it('sends only the classes switched on, and counts only those as backlog', async () => {
    const s = await setup();
    const client = new SyncClient(options({ classes: ['records'] }), s.outbox, { fetch: s.fetchHook });
    expect(client.status().backlog).toMatchObject({ entries: 3, byClass: { records: 3 } });
    await drain(client);
    expect(new Set(s.batches.flatMap((b) => b.records.map((r) => r.entity)))).toEqual(new Set(['users']));
  });

  it('backs off exponentially with jitter while the cloud is unreachable, then delivers', async () => {
    const s = await setup();
    const waits: number[] = [];
    s.failNext(5);
    const client = new SyncClient(options(), s.outbox, {
      fetch: s.fetchHook,
      random: () => 1, // the top of each jitter window, so the ceilings show
      state: (state, detail) => state === 'backoff' && waits.push(Number(/next in (\d+) ms/.exec(detail)?.[1])),
    });
    client.start();
    await waitFor(() => client.status().backlog.entries === 0, 'delivered after the outage', 10_000, 10);
    await client.stop();
    expect(waits).toEqual([20, 40, 80, 160, 200]);
    expect(client.status().lastError).toBeNull();
    const jittered: number[] = [];
    const s2 = await setup();
    s2.failNext(3);
    let r = 0;
    const c2 = new SyncClient(options(), s2.outbox, {
      fetch: s2.fetchHook,
      random: () => [0.5, 0.25, 0.1][r++ % 3]!,
      state: (st, d) => st === 'backoff' && jittered.push(Number(/next in (\d+) ms/.exec(d)?.[1])),
    });
    await drain(c2);
    expect(jittered).toEqual([10, 10, 8]);
  });

  it('halves its batches when the cloud says 413, and still delivers everything', async () => {
    const s = await setup({ maxIngestBytes: 6000 });
    const client = new SyncClient(options({ maxBatchBytes: 1024 * 1024 }), s.outbox, { fetch: s.fetchHook });
    await drain(client);
    expect(s.batches.flatMap((b) => b.records).length).toBe(43);
    expect(client.status().sent.records).toBe(43);
    expect(s.batches.length).toBeGreaterThan(1); // one batch would have fitted without the 413s
  });

  it('on a lossy link that cuts or stalls large requests, sends smaller batches rather than backing off, and delivers everything', async () => {
    for (const fault of ['cut', 'stall'] as const) {
      const s = await setup();
      const attempts: number[] = [];
      const waits: number[] = [];
      // The link carries requests up to 4 KB (compressed); bigger ones are reset mid-way, or hang until the client's timeout.
      const lossy: NonNullable<SyncHooks['fetch']> = async (input, init) => {
        const size = (init?.body as Uint8Array).length;
        attempts.push(size);
        if (size > 4096) {
          if (fault === 'cut') throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } });
          await new Promise((_, reject) =>
            init?.signal?.addEventListener('abort', () => reject(init.signal!.reason as Error)),
          );
        }
        return s.fetchHook(input, init);
      };
      const client = new SyncClient(
        options({ maxBatchBytes: 1024 * 1024, requestTimeoutMs: 300, backoff: { initialMs: 20, maxMs: 300_000 } }),
        s.outbox,
        {
          fetch: lossy,
          state: (state, detail) => state === 'backoff' && waits.push(Number(/next in (\d+) ms/.exec(detail)?.[1])),
        },
      );
      await drain(client);
      expect(s.batches.flatMap((b) => b.records).length, fault).toBe(43);
      expect(Math.max(...waits), fault).toBeLessThanOrEqual(20); // never the long backoff a dead cloud gets
      expect(
        attempts.some((a) => a > 4096),
        fault,
      ).toBe(true);
      expect(Math.max(...s.batches.map((b) => JSON.stringify(b).length)), fault).toBeLessThan((1024 * 1024) / 4);
    }
  });

  it('keeps to the bandwidth cap', async () => {
    const s = await setup();
    const client = new SyncClient(options({ maxBatchRecords: 5, maxBytesPerSecond: 4000 }), s.outbox, {
      fetch: s.fetchHook,
    });
    const t0 = performance.now();
    await drain(client);
    const seconds = (performance.now() - t0) / 1000;
    const { wireBytes, batches } = client.status().sent;
    // every batch but the last waits its bytes' worth of time before the next goes
    expect(batches).toBeGreaterThan(5);
    expect(seconds).toBeGreaterThanOrEqual((wireBytes * 0.8) / 4000 - 0.5);
  });

  it('skips rows of a dancer who withdrew cloud consent after they were enqueued', async () => {
    const s = await setup();
    const ben = (s.store.sqlite.prepare(`SELECT id FROM users WHERE username = 'ben'`).get() as { id: number }).id;
    const dev = (s.store.sqlite.prepare(`SELECT id FROM devices WHERE device_key = 'band'`).get() as { id: number }).id;
    s.store.sqlite.prepare('UPDATE biometric_data SET user_id = ? WHERE device_id = ?').run(ben, dev);
    s.store.sqlite.prepare('UPDATE users SET consent_cloud_sync = 0 WHERE id = ?').run(ben);
    const client = new SyncClient(options(), s.outbox, { fetch: s.fetchHook });
    await drain(client);
    const sent = s.batches.flatMap((b) => b.records);
    expect(sent.filter((r) => r.entity === 'biometric_data')).toEqual([]);
    expect(client.status().sent.skipped).toBe(20);
    expect(sent.filter((r) => r.entity === 'stream_chunks').length).toBe(20);
  });
});
