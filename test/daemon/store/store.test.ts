import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { backupDatabase } from '../../../daemon/store/backup.js';
import { StoreOpenError } from '../../../daemon/store/database.js';
import { MigrationError } from '../../../daemon/store/migrate.js';
import { migrations } from '../../../daemon/store/migrations/index.js';
import { Store } from '../../../daemon/store/store.js';
import { pruneExpired } from '../../../daemon/store/retention.js';
import type { Sample } from '../../../config/signals.js';
import { tempDir } from '../../helpers/daemon-process.js';

const ENTITY_TABLES = [
  'users',
  'events',
  'registrations',
  'devices',
  'device_assignments',
  'stream_chunks',
  'biometric_data',
  'movement_data',
  'movement_patterns',
  'detected_patterns',
  'sound_events',
  'song_selections',
  'sound_samples',
  'sound_presets',
  'visualization_events',
  'visualization_presets',
  'outbox',
  'box_meta',
  'dancer_slots',
];

function newStore(path = join(tempDir(), 'codance.db')) {
  return { path, store: new Store({ path, batchMs: 10, maxBatchRows: 1000, chunkMs: 1000 }) };
}

const hr = (i: number): Sample => ({
  kind: 'heart_rate',
  deviceKey: 'band-1',
  receivedAt: 1_000 + i,
  index: i,
  bpm: 120,
  rr1024: [512, 510],
  contact: true,
});

describe('store', () => {
  it('migrates a new file to one schema covering every entity, in WAL mode', async () => {
    const { path, store } = newStore();
    await store.start();
    expect(store.migrations?.applied).toEqual(Object.keys(migrations));
    expect(store.health()?.journalMode).toBe('wal');
    await store.stop();
    const db = new BetterSqlite3(path, { readonly: true });
    const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type='table'`).all() as { name: string }[]).map(
      (r) => r.name,
    );
    for (const t of ENTITY_TABLES) expect(tables).toContain(t);
    db.close();
  });

  it('is a no-op to start again: migrations run once, box id is stable', async () => {
    const { path, store } = newStore();
    await store.start();
    const id = store.boxId;
    await store.stop();
    const again = new Store({ path, batchMs: 10, maxBatchRows: 1000, chunkMs: 1000 });
    await again.start();
    expect(again.migrations?.applied).toEqual([]);
    expect(again.boxId).toBe(id);
    await again.stop();
  });

  it('writes each synced row and its outbox entry in the same batch', async () => {
    const { path, store } = newStore();
    await store.start();
    store.registerDevice({ key: 'band-1', kind: 'wearable', transport: 'ble', model: 'H10', name: 'strap' });
    for (let i = 0; i < 10; i++) store.write(hr(i));
    store.write({
      kind: 'raw',
      deviceKey: 'band-1',
      stream: 'acc',
      receivedAt: 0,
      firstIndex: 0,
      startedAt: 5,
      rateHz: 50,
      channels: 3,
      values: new Float32Array(150),
    });
    store.write({ kind: 'battery', deviceKey: 'band-1', receivedAt: 7, index: 0, value: 80 });
    store.flush();
    expect(store.health()?.rowsWritten).toBe(12);
    await store.stop();
    const db = new BetterSqlite3(path, { readonly: true });
    const bio = db.prepare('SELECT heart_rate, rr_1024, sensor_contact, source FROM biometric_data ORDER BY id').all();
    expect(bio).toHaveLength(10);
    expect(bio[0]).toEqual({ heart_rate: 120, rr_1024: '[512,510]', sensor_contact: 1, source: 'sensor' });
    expect(db.prepare('SELECT sample_count, channels, length(data) AS bytes FROM stream_chunks').get()).toEqual({
      sample_count: 50,
      channels: 3,
      bytes: 600,
    });
    const outbox = db.prepare('SELECT entity, count(*) AS n FROM outbox GROUP BY entity ORDER BY entity').all();
    expect(outbox).toEqual([
      { entity: 'biometric_data', n: 10 },
      { entity: 'stream_chunks', n: 1 },
    ]);
    expect(db.prepare(`SELECT battery_pct FROM devices WHERE device_key='band-1'`).get()).toEqual({ battery_pct: 80 });
    db.close();
  });

  it('keeps rows queued when a flush fails, and writes them once the database recovers', async () => {
    const { path, store } = newStore();
    await store.start();
    const raw = new BetterSqlite3(path);
    raw.exec('ALTER TABLE outbox RENAME TO outbox_away');
    store.write(hr(1));
    store.flush();
    const h = store.health();
    expect(h?.failedFlushes).toBe(1);
    expect(h?.queued).toBe(1);
    expect(h?.lastError).toMatch(/outbox/);
    raw.exec('ALTER TABLE outbox_away RENAME TO outbox');
    raw.close();
    store.write(hr(2));
    store.flush();
    expect(store.health()).toMatchObject({ queued: 0, rowsWritten: 2 });
    await store.stop();
  });

  it('stops the start with a clear message naming the failed migration, leaving the file unchanged', async () => {
    const path = join(tempDir(), 'codance.db');
    const { store: first } = newStore(path);
    await first.start();
    await first.stop();
    const pre = new BetterSqlite3(path);
    // As if the last migration were new, with its first table already in the way.
    pre.exec(`DELETE FROM kysely_migration WHERE name LIKE '%data-rights'`);
    pre.close();
    const { store } = newStore(path);
    const err = await store.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(MigrationError);
    expect((err as Error).message).toMatch(
      /^store migration 2026-11-30T01-00-00-data-rights failed: .*consent_changes already exists/,
    );
    const db = new BetterSqlite3(path, { readonly: true });
    expect(db.prepare(`SELECT count(*) AS n FROM kysely_migration WHERE name LIKE '%data-rights'`).get()).toEqual({
      n: 0,
    }); // rolled back as one transaction
    db.close();
  });

  it("refuses another program's database before writing anything to it", async () => {
    const path = join(tempDir(), 'other.db');
    const pre = new BetterSqlite3(path);
    pre.exec('CREATE TABLE sound_presets (x INTEGER); CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)');
    pre.close();
    const before = readFileSync(path);
    const { store } = newStore(path);
    const err = await store.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StoreOpenError);
    expect((err as Error).message).toBe(
      `cannot open the store at ${path}: this is not a Codance store (it holds photos, sound_presets); it was left unchanged. Point store.path at a new file or at a Codance store`,
    );
    expect(readFileSync(path).equals(before)).toBe(true); // byte for byte: no WAL mode, no migration table
    expect(existsSync(`${path}-wal`)).toBe(false);
    // A file that is not SQLite at all is named as such, and also left alone.
    const text = join(tempDir(), 'notes.db');
    writeFileSync(text, 'shopping list\n'.repeat(100));
    const err2 = await newStore(text)
      .store.start()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect((err2 as Error).message).toMatch(/cannot open the store at .*notes\.db: file is not a database/);
    expect(readFileSync(text, 'utf8')).toBe('shopping list\n'.repeat(100));
  });

  it('refuses a database written by a newer version, saying so', async () => {
    const { path, store } = newStore();
    await store.start();
    await store.stop();
    const db = new BetterSqlite3(path);
    db.prepare(`INSERT INTO kysely_migration (name, timestamp) VALUES ('2099-01-01T00-00-00-future', '2099')`).run();
    db.close();
    const { store: again } = newStore(path);
    await expect(again.start()).rejects.toThrow(/newer Codance version/);
  });

  it('makes a consistent online backup while the store is open', async () => {
    const dir = tempDir();
    const { path, store } = newStore(join(dir, 'codance.db'));
    await store.start();
    for (let i = 0; i < 500; i++) store.write(hr(i));
    store.flush();
    const result = await backupDatabase(path, join(dir, 'backup.db'));
    expect(result.integrity).toBe('ok');
    const b = new BetterSqlite3(result.file, { readonly: true });
    expect(b.prepare('SELECT count(*) AS n FROM biometric_data').get()).toEqual({ n: 500 });
    b.close();
    await store.stop();
  });

  it('refuses to open something that is not a database, with the path in the message', async () => {
    const path = join(tempDir(), 'codance.db');
    writeFileSync(path, 'this is not sqlite, it is a text file that is long enough to have a header');
    const { store } = newStore(path);
    await expect(store.start()).rejects.toThrow(/codance\.db.*not a database/);
  });

  it('applies consent before storing: a wearer without consent gets nothing stored or queued, a consenting one gets their rows, enqueued only with consent to cloud sync', async () => {
    let now = 1_000_000;
    const path = join(tempDir(), 'codance.db');
    const store = new Store({ path, batchMs: 10, maxBatchRows: 1000, chunkMs: 1000 }, () => now);
    await store.start();
    const db = store.sqlite;
    const user = (name: string, consent: number): number =>
      Number(
        db
          .prepare(
            `INSERT INTO users (username, email, password_hash, role, pseudonym, consent_biometrics, created_at, updated_at) VALUES (?, ?, 'x', 'dancer', ?, ?, 0, 0)`,
          )
          .run(name, `${name}@example.org`, `p_${name}`, consent).lastInsertRowid,
      );
    const ana = user('ana', 0);
    const ben = user('ben', 1);
    const eventId = Number(
      db
        .prepare(`INSERT INTO events (name, starts_at, ends_at, created_at, updated_at) VALUES ('night', 0, 1, 0, 0)`)
        .run().lastInsertRowid,
    );
    store.registerDevice({ key: 'band-a', kind: 'wearable', transport: 'ble', model: 'x', name: 'a' });
    store.registerDevice({ key: 'band-b', kind: 'wearable', transport: 'ble', model: 'x', name: 'b' });
    store.flush();
    const dev = (k: string): number =>
      (db.prepare('SELECT id FROM devices WHERE device_key = ?').get(k) as { id: number }).id;
    db.prepare('INSERT INTO device_assignments (device_id, user_id, event_id, assigned_at) VALUES (?, ?, ?, 0)').run(
      dev('band-a'),
      ana,
      eventId,
    );
    db.prepare('INSERT INTO device_assignments (device_id, user_id, event_id, assigned_at) VALUES (?, ?, ?, 0)').run(
      dev('band-b'),
      ben,
      eventId,
    );
    const hrOf = (key: string, i: number): Sample => ({
      kind: 'heart_rate',
      deviceKey: key,
      receivedAt: now,
      index: i,
      bpm: 120,
      rr1024: [512],
    });
    const ecgOf = (key: string): Sample => ({
      kind: 'raw',
      deviceKey: key,
      stream: 'ecg',
      receivedAt: now,
      firstIndex: 0,
      startedAt: now,
      rateHz: 130,
      channels: 1,
      values: new Float32Array(130),
    });
    for (let i = 0; i < 5; i++) {
      store.write(hrOf('band-a', i));
      store.write(hrOf('band-b', i));
    }
    store.write(ecgOf('band-a'));
    store.write(ecgOf('band-b'));
    store.flush();
    const rows = db.prepare('SELECT device_id, user_id, event_id FROM biometric_data').all() as {
      device_id: number;
      user_id: number;
      event_id: number;
    }[];
    expect(rows).toHaveLength(5);
    expect(rows.every((r) => r.device_id === dev('band-b') && r.user_id === ben && r.event_id === eventId)).toBe(true);
    const chunks = db.prepare('SELECT device_id, event_id FROM stream_chunks').all() as {
      device_id: number;
      event_id: number;
    }[];
    expect(chunks).toEqual([{ device_id: dev('band-b'), event_id: eventId }]);
    expect(store.health()?.withheldNoConsent).toBe(5 + 130);
    const outbox = (
      db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE entity IN ('biometric_data', 'stream_chunks')").get() as {
        n: number;
      }
    ).n;
    // Ben consented to recording, not to cloud sync: his rows are stored but none is enqueued.
    expect(outbox).toBe(0);
    expect(store.health()?.localOnly).toBe(6);
    db.prepare('UPDATE users SET consent_cloud_sync = 1 WHERE id = ?').run(ben);
    now += 2500;
    store.write(hrOf('band-b', 5));
    store.flush();
    expect(
      (db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE entity = 'biometric_data'").get() as { n: number }).n,
    ).toBe(1);
    // Ana consents: within the refresh time her band's data is stored, with her as its owner.
    db.prepare('UPDATE users SET consent_biometrics = 1 WHERE id = ?').run(ana);
    now += 2500;
    store.write(hrOf('band-a', 5));
    store.flush();
    expect(db.prepare('SELECT user_id FROM biometric_data WHERE device_id = ?').all(dev('band-a'))).toEqual([
      { user_id: ana },
    ]);
    await store.stop();
  });

  it('retention deletes each stream after its own number of days, and keeps a stream set to 0 forever', async () => {
    const path = join(tempDir(), 'codance.db');
    const store = new Store({ path, batchMs: 10, maxBatchRows: 1000, chunkMs: 1000 });
    await store.start();
    const day = 86_400_000;
    const now = 400 * day;
    store.registerDevice({ key: 'band-r', kind: 'wearable', transport: 'ble', model: 'x', name: 'r' });
    for (const age of [1, 40, 100, 400]) {
      store.write({ kind: 'eda', deviceKey: 'band-r', receivedAt: now - age * day, index: age, value: 2 });
      store.write({
        kind: 'raw',
        deviceKey: 'band-r',
        stream: 'acc',
        receivedAt: now - age * day,
        firstIndex: age * 1000,
        startedAt: now - age * day,
        rateHz: 50,
        channels: 3,
        values: new Float32Array(150),
      });
      store.writeDerived({
        t: 'crowd',
        row: {
          at: now - age * day,
          eventId: null,
          bpm: 120,
          activeDancers: 1,
          energy: 0.5,
          arousal: null,
          beatSynchrony: null,
          interSynchrony: null,
          density: null,
        },
      });
    }
    await store.stop(); // drains the open chunks
    const db = new BetterSqlite3(path);
    const deleted = pruneExpired(db, now, {
      acc: 30,
      gyro: 30,
      ecg: 30,
      ppg: 30,
      biometrics: 90,
      inferences: 90,
      crowd: 0,
      audit: 365,
    });
    expect(deleted).toEqual({ acc: 3, biometrics: 2 });
    expect((db.prepare('SELECT COUNT(*) AS n FROM crowd_states').get() as { n: number }).n).toBe(4);
    expect((db.prepare('SELECT COUNT(*) AS n FROM stream_chunks').get() as { n: number }).n).toBe(1);
    expect((db.prepare('SELECT COUNT(*) AS n FROM biometric_data').get() as { n: number }).n).toBe(2);
    db.close();
  });
});
