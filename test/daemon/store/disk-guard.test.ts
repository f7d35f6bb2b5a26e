/** The write path on a disk that refuses writes, and the disk guard's levels, shedding, pruning and reserve. */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { RETRY_MS } from '../../../daemon/store/batch-writer.js';
import { DiskGuard, type DiskLevel } from '../../../daemon/store/disk-guard.js';
import { Store } from '../../../daemon/store/store.js';
import type { Sample } from '../../../config/signals.js';
import { tempDir } from '../../helpers/daemon-process.js';

const eda = (i: number): Sample => ({
  kind: 'eda',
  deviceKey: 'band-1',
  receivedAt: 1_000 + i,
  index: i,
  value: 2,
});
const acc = (i: number): Sample => ({
  kind: 'raw',
  deviceKey: 'band-1',
  stream: 'acc',
  receivedAt: i * 1000,
  firstIndex: i * 50,
  startedAt: i * 1000,
  rateHz: 50,
  channels: 3,
  values: new Float32Array(150),
});

describe('the write path on a refusing disk', () => {
  it('never retries from enqueue, retries one batch per second, bounds the queue and counts the loss per stream, then resumes', async () => {
    let now = 1_000_000;
    const states: string[] = [];
    const path = join(tempDir(), 'codance.db');
    const store = new Store({ path, batchMs: 10, maxBatchRows: 100, chunkMs: 1000 }, () => now, {
      writes: (failing, reason) => states.push(failing ? `failing: ${reason}` : 'ok'),
    });
    await store.start();
    store.registerDevice({ key: 'band-1', kind: 'wearable', transport: 'ble', model: 'x', name: 'b' });
    const raw = new BetterSqlite3(path);
    raw.exec('ALTER TABLE outbox RENAME TO outbox_away'); // every write now fails, as on a full disk
    for (let i = 0; i < 100; i++) store.write(eda(i)); // the 100th asks for an early flush, which fails
    expect(store.health()).toMatchObject({ failedFlushes: 1, failing: true, queued: 100 });
    expect(states).toEqual([expect.stringMatching(/^failing: .*outbox/)]);
    // 5000 more samples: no write is attempted from enqueue while failing.
    for (let i = 100; i < 5100; i++) store.write(eda(i));
    for (let i = 0; i < 400; i++) store.write(acc(i)); // each a full one-second chunk
    expect(store.health()?.failedFlushes).toBe(1);
    // Bounded: 20 batches of features and 2 of raw stay queued; the rest is counted per stream.
    const h = store.health()!;
    expect(h.queued).toBe(100 * 20 + 100 * 2);
    expect(h.lostByStream).toEqual({ eda: 5100 - 2000, acc: (400 - 200) * 50 });
    expect(h.lostSamples).toBe(3100 + 10_000);
    // The timer's tick: nothing before RETRY_MS has passed, then exactly one batch is tried.
    const tick = (): void => (store as unknown as { writer: { tick(): void } }).writer.tick();
    tick();
    expect(store.health()?.failedFlushes).toBe(1);
    now += RETRY_MS;
    tick();
    expect(store.health()?.failedFlushes).toBe(2);
    // The disk takes writes again: the queue drains a few batches per tick, and the state says so once.
    raw.exec('ALTER TABLE outbox_away RENAME TO outbox');
    raw.close();
    now += RETRY_MS;
    tick();
    expect(store.health()?.failing).toBe(false);
    expect(states).toHaveLength(2);
    expect(states[1]).toBe('ok');
    for (let i = 0; i < 10; i++) tick();
    expect(store.health()).toMatchObject({ queued: 0, rowsWritten: 2200 });
    await store.stop();
  });
});

function guarded(free: { bytes: number }, reserveBytes = 1024 * 1024) {
  const dir = tempDir();
  const path = join(dir, 'codance.db');
  const levels: [DiskLevel, string][] = [];
  const store = new Store({ path, batchMs: 10, maxBatchRows: 1000, chunkMs: 1000 });
  return {
    path,
    store,
    levels,
    guard: () =>
      new DiskGuard({
        dbPath: path,
        options: { minFreeBytes: 100 * 1048576, reserveBytes, checkMs: 1000 },
        sqlite: store.sqlite,
        writer: (store as unknown as { writer: ConstructorParameters<typeof DiskGuard>[0]['writer'] }).writer,
        onChange: (level, detail) => levels.push([level, detail]),
        freeBytes: () => free.bytes,
      }),
  };
}

describe('the disk guard', () => {
  it('sheds raw when low, features too when critical, releases and remakes its reserve, and returns to ok with a margin', async () => {
    const free = { bytes: 500 * 1048576 };
    const { path, store, levels, guard: make } = guarded(free);
    await store.start();
    const guard = make();
    guard.check();
    expect(guard.health()).toMatchObject({ level: 'ok', reserveHeld: true });
    expect(statSync(`${path}.reserve`).size).toBe(1048576);
    store.registerDevice({ key: 'band-1', kind: 'wearable', transport: 'ble', model: 'x', name: 'b' });

    free.bytes = 80 * 1048576; // under the watermark
    guard.check();
    expect(levels.map((l) => l[0])).toEqual(['low']);
    expect(levels[0]![1]).toMatch(
      /^disk low \(80\.0 MiB free on the store's disk, under 100\.0 MiB\): raw streams are not stored/,
    );
    for (let i = 0; i < 3; i++) store.write(acc(i));
    store.write(eda(1));
    store.flush();
    expect(store.health()).toMatchObject({ rowsWritten: 1, lostByStream: { acc: 150 } }); // the three chunks were shed; EDA stored

    free.bytes = 40 * 1048576; // under half
    guard.check();
    expect(guard.health()).toMatchObject({ level: 'critical', reserveHeld: false });
    expect(existsSync(`${path}.reserve`)).toBe(false);
    store.write(eda(2));
    expect(store.health()?.lostByStream.eda).toBe(1);

    free.bytes = 105 * 1048576; // above the watermark, inside the margin: low, not ok
    guard.check();
    expect(guard.health().level).toBe('low');
    free.bytes = 120 * 1048576;
    guard.check();
    expect(guard.health()).toMatchObject({ level: 'ok', reserveHeld: true });
    expect(levels.map((l) => l[0])).toEqual(['low', 'critical', 'low', 'ok']);
    store.write(eda(3));
    store.flush();
    expect(store.health()?.rowsWritten).toBe(2);
    guard.stop();
    await store.stop();
  });

  it('leaves critical once space returns, though the write that failed for space was never retried', async () => {
    const free = { bytes: 500 * 1048576 };
    const { path, store, guard: make } = guarded(free);
    await store.start();
    const guard = make();
    store.registerDevice({ key: 'band-1', kind: 'wearable', transport: 'ble', model: 'x', name: 'b' });
    // The disk is full: a write fails for space, and the guard goes critical (everything shed, nothing written).
    const side = new BetterSqlite3(path);
    side.exec(`CREATE TRIGGER full BEFORE INSERT ON outbox BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END`);
    free.bytes = 1048576;
    store.write(eda(1));
    store.flush();
    expect(store.health()?.failing).toBe(true);
    guard.check();
    expect(guard.health().level).toBe('critical');
    // Space returns: the guard must not stay critical on the old failure, or nothing would ever be written again.
    side.exec('DROP TRIGGER full');
    side.close();
    free.bytes = 500 * 1048576;
    guard.check();
    expect(guard.health().level).toBe('ok');
    store.write(eda(2));
    store.flush();
    expect(store.health()).toMatchObject({ failing: false, rowsWritten: 1, lostByStream: { eda: 1 } }); // the first was shed at critical
    guard.stop();
    await store.stop();
  });

  it('prunes the oldest raw chunks early while low, and features only when critical and no raw is left', async () => {
    const free = { bytes: 500 * 1048576 };
    const { store, guard: make } = guarded(free, 0);
    await store.start();
    const guard = make();
    store.registerDevice({ key: 'band-1', kind: 'wearable', transport: 'ble', model: 'x', name: 'b' });
    for (let i = 0; i < 3000; i++) store.write(acc(i));
    for (let i = 0; i < 100; i++) store.write(eda(i));
    store.flush();
    const db = store.sqlite;
    const count = (t: string) => (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
    expect(count('stream_chunks')).toBe(3000);
    free.bytes = 80 * 1048576;
    guard.check();
    expect(count('stream_chunks')).toBe(1000);
    expect((db.prepare('SELECT min(started_at) AS t FROM stream_chunks').get() as { t: number }).t).toBe(2000 * 1000); // the oldest went first
    guard.check();
    guard.check();
    expect(count('stream_chunks')).toBe(0);
    expect(count('biometric_data')).toBe(100); // low never prunes features
    free.bytes = 10 * 1048576;
    guard.check();
    expect(count('biometric_data')).toBe(0);
    expect(guard.health().prunedEarly).toEqual({ stream_chunks: 3000, biometric_data: 100 });
    guard.stop();
    await store.stop();
  });
});
