/**
 * Store ingest against its baseline: the same rows (a biometric row plus its outbox entry)
 * written by raw better-sqlite3 prepared statements in transactions of the same size.
 * The ratio is the cost of everything the store adds (queueing, device lookup, row mapping).
 */
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Store } from '../../daemon/store/store.js';
import type { Sample } from '../../config/signals.js';
import { tempDir } from '../helpers/daemon-process.js';

const BATCH = 1000;

function samples(n: number): Sample[] {
  const out: Sample[] = [];
  for (let i = 0; i < n; i++) {
    const deviceKey = `band-${i % 24}`;
    out.push(
      i % 3 === 0
        ? { kind: 'heart_rate', deviceKey, receivedAt: 1_700_000_000_000 + i, index: i, bpm: 120, rr1024: [500, 505] }
        : { kind: 'eda', deviceKey, receivedAt: 1_700_000_000_000 + i, index: i, value: 3.2 },
    );
  }
  return out;
}

async function freshStore() {
  const path = join(tempDir('codance-bench-'), 'c.db');
  // batchMs is irrelevant here: the bench flushes explicitly every BATCH samples.
  const store = new Store({ path, batchMs: 100, maxBatchRows: 100_000, chunkMs: 1000 });
  await store.start();
  for (let d = 0; d < 24; d++)
    store.registerDevice({ key: `band-${d}`, kind: 'wearable', transport: 'ble', model: 'bench', name: 'b' });
  return { path, store };
}

export async function storeIngest(n: number): Promise<number> {
  const input = samples(n);
  const { store } = await freshStore();
  const t0 = performance.now();
  for (let i = 0; i < input.length; i++) {
    store.write(input[i] as Sample);
    if ((i + 1) % BATCH === 0) store.flush();
  }
  store.flush();
  const s = (performance.now() - t0) / 1000;
  await store.stop();
  return n / s;
}

export async function rawIngest(n: number): Promise<number> {
  const input = samples(n);
  const { path, store } = await freshStore(); // same schema, indexes and pragmas
  await store.stop();
  const db = new BetterSqlite3(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  const ids = new Map(
    (db.prepare('SELECT device_key, id FROM devices').all() as { device_key: string; id: number }[]).map((r) => [
      r.device_key,
      r.id,
    ]),
  );
  const bio = db.prepare(
    `INSERT INTO biometric_data (device_id, event_id, recorded_at, stream_index, heart_rate, rr_1024, sensor_contact, energy_kj, gsr_us, skin_temp_c, source) VALUES (?, NULL, ?, ?, ?, ?, NULL, NULL, ?, NULL, 'sensor')`,
  );
  const outbox = db.prepare(
    `INSERT INTO outbox (entity, entity_id, op, created_at) VALUES ('biometric_data', ?, 'upsert', ?)`,
  );
  const tx = db.transaction((rows: Sample[]) => {
    const t = Date.now();
    for (const s of rows) {
      if (s.kind !== 'heart_rate' && s.kind !== 'eda') continue;
      const r = bio.run(
        ids.get(s.deviceKey),
        s.receivedAt,
        s.index,
        s.kind === 'heart_rate' ? s.bpm : null,
        s.kind === 'heart_rate' ? JSON.stringify(s.rr1024) : null,
        s.kind === 'eda' ? s.value : null,
      );
      outbox.run(r.lastInsertRowid, t);
    }
  });
  const t0 = performance.now();
  for (let i = 0; i < input.length; i += BATCH) tx(input.slice(i, i + BATCH));
  const s = (performance.now() - t0) / 1000;
  db.close();
  return n / s;
}

/** 50 Hz 3-axis blocks of 10 samples from 24 bands, through the chunker into ~1 s chunk rows. */
export async function imuIngest(seconds: number): Promise<{ samplesPerS: number; rowsPerS: number }> {
  const { store } = await freshStore();
  const blocksPerBand = seconds * 5;
  const t0 = performance.now();
  for (let b = 0; b < blocksPerBand; b++) {
    for (let d = 0; d < 24; d++) {
      store.write({
        kind: 'raw',
        deviceKey: `band-${d}`,
        stream: 'acc',
        receivedAt: b * 200,
        firstIndex: b * 10,
        startedAt: b * 200,
        rateHz: 50,
        channels: 3,
        values: new Float32Array(30).fill(b),
      });
    }
    if (b % 5 === 4) store.flush();
  }
  store.flush();
  const s = (performance.now() - t0) / 1000;
  const rows = store.health()?.rowsWritten ?? 0;
  await store.stop();
  return { samplesPerS: (blocksPerBand * 24 * 10) / s, rowsPerS: rows / s };
}

/**
 * The hot path on a disk that refuses every write, against the same samples on a healthy
 * disk: enqueueing must stay cheap (no write retried per sample), with a timer tick every
 * 50 ms of the samples' own time (the default batchMs at 200 dancers' ~2 500 rows/s).
 */
export async function refusingDisk(
  n: number,
): Promise<{ refusing: number; healthy: number; attempts: number; lost: number }> {
  const run = async (refuse: boolean) => {
    const path = join(tempDir('codance-bench-'), 'c.db');
    const store = new Store({ path, batchMs: 50, maxBatchRows: 5000, chunkMs: 1000 });
    await store.start();
    for (let d = 0; d < 24; d++)
      store.registerDevice({ key: `band-${d}`, kind: 'wearable', transport: 'ble', model: 'bench', name: 'b' });
    const side = new BetterSqlite3(path);
    if (refuse) side.exec('ALTER TABLE outbox RENAME TO outbox_away'); // every write fails, as on a full disk
    const input = samples(n);
    const tick = (store as unknown as { writer: { tick(): void } }).writer;
    const t0 = performance.now();
    for (let i = 0; i < input.length; i++) {
      store.write(input[i] as Sample);
      if (i % 125 === 124) tick.tick();
    }
    const s = (performance.now() - t0) / 1000;
    const h = store.health()!;
    if (refuse) side.exec('ALTER TABLE outbox_away RENAME TO outbox');
    side.close();
    await store.stop();
    return { perS: n / s, attempts: h.failedFlushes, lost: h.lostSamples };
  };
  const healthy = await run(false);
  const refusing = await run(true);
  return { refusing: refusing.perS, healthy: healthy.perS, attempts: refusing.attempts, lost: refusing.lost };
}
