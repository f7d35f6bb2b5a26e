/**
 * A dancer's export and erasure at scale: 10 hours of one dancer's data (heart rate every
 * second, arousal every 3 s, 50 Hz accelerometer chunks) beside another dancer's. The export is
 * measured against its baseline, the same rows read whole with better-sqlite3 `.all()` and
 * written as one CSV string (what a non-streaming export would do): rows per second and how
 * much the process's memory grows. The erasure is measured by rows per second and the longest
 * the event loop waited meanwhile (it deletes in slices).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { eraseDancer, SETTLE_MS } from '../../daemon/privacy/erase.js';
import { dancerArchive } from '../../daemon/privacy/export-archive.js';
import { dancerStore } from './dancer-store.js';
import { round, type Figure } from './figure.js';

const HOURS = 10;
/** The V8 heap the export probe runs under: far less than the data. */
const HEAP_CAP_MB = 48;

/** The largest RSS seen while `fn` runs, minus RSS before it, in MiB. */
async function rssGrowth<T>(fn: () => Promise<T>): Promise<{ result: T; mb: number }> {
  global.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  try {
    const result = await fn();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, mb: (peak - before) / 1024 / 1024 };
  } finally {
    clearInterval(timer);
  }
}

export async function exportFigures(): Promise<Record<string, Figure>> {
  const { store, sql, userId, seeded } = await dancerStore(HOURS, 1);
  const rows = seeded.biometrics + seeded.inferences + seeded.samples;

  let bytes = 0;
  const sink = () =>
    new Writable({
      write(chunk: Buffer, _enc, done) {
        bytes += chunk.length;
        done();
      },
    });
  const exported = await rssGrowth(async () => {
    const started = performance.now();
    await pipeline(dancerArchive(sql, { box: { id: 'bench', name: 'bench' }, userId: userId })!, sink());
    return (performance.now() - started) / 1000;
  });
  const probe = spawnSync(
    process.execPath,
    [
      '--expose-gc',
      `--max-old-space-size=${HEAP_CAP_MB}`,
      '--import',
      'tsx',
      join(import.meta.dirname, 'export-probe.ts'),
      String(HOURS),
    ],
    { encoding: 'utf8', timeout: 300_000 },
  );
  if (probe.status !== 0)
    throw new Error(`export probe failed under a ${HEAP_CAP_MB} MB heap: ${probe.stderr.slice(-500)}`);
  const capped = JSON.parse(probe.stdout.trim().split('\n').pop()!) as { rssMb: number; heapMb: number };
  const baseline = await rssGrowth(() => {
    const started = performance.now();
    const db = store.sqlite;
    let csv = '';
    type Reading = { id: number; recorded_at: number; at: number; heart_rate: number; value: number };
    for (const r of db.prepare('SELECT * FROM biometric_data WHERE user_id = ?').all(userId) as Reading[])
      csv += `${r.id},${r.recorded_at},${r.heart_rate}\n`;
    for (const r of db.prepare('SELECT * FROM inferences WHERE user_id = ?').all(userId) as Reading[])
      csv += `${r.id},${r.at},${r.value}\n`;
    for (const c of db.prepare('SELECT * FROM stream_chunks WHERE device_id = ?').all(seeded.deviceId) as {
      data: Buffer;
      sample_count: number;
      started_at: number;
    }[])
      for (let i = 0; i < c.sample_count; i++)
        csv += `${c.started_at + i * 20},${c.data.readFloatLE(i * 12)},${c.data.readFloatLE(i * 12 + 4)},${c.data.readFloatLE(i * 12 + 8)}\n`;
    if (csv.length === 0) throw new Error('nothing read');
    return Promise.resolve((performance.now() - started) / 1000);
  });

  // Erasure: rows per second (after the write path's caches settle), and the event loop's longest wait.
  let last = performance.now();
  let stall = 0;
  const loopProbe = setInterval(() => {
    const now = performance.now();
    stall = Math.max(stall, now - last - 5);
    last = now;
  }, 5);
  const started = performance.now();
  const erased = await eraseDancer(sql, userId, { id: null, role: 'technician', via: 'bench' });
  const eraseS = (performance.now() - started - SETTLE_MS) / 1000;
  clearInterval(loopProbe);
  const deleted = Object.values(erased.erased).reduce((s, n) => s + n, 0);
  await store.stop();
  return {
    'export.rows_per_s': {
      value: round(rows / exported.result),
      unit: `rows/s (${HOURS} dancer-hours: ${rows} readings and raw samples, ${round(bytes / 1024 / 1024, 1)} MiB of ZIP)`,
      baseline: round(rows / baseline.result),
      ratio: round(baseline.result / exported.result, 3),
    },
    'export.rss_growth_mb': {
      value: capped.rssMb,
      unit: `MiB RSS grew while exporting, alone in a process with a ${HEAP_CAP_MB} MiB heap (baseline: reading it whole, no cap)`,
      baseline: round(baseline.mb, 1),
      ratio: round(capped.rssMb / Math.max(0.1, baseline.mb), 3),
    },
    'export.heap_growth_mb': { value: capped.heapMb, unit: `MiB of V8 heap at peak above the start, same process` },
    'export.rss_growth_in_bench_mb': {
      value: round(exported.mb, 1),
      unit: 'MiB RSS grew exporting inside this bench process (uncapped heap: collected lazily)',
    },
    'erasure.rows_per_s': {
      value: round(deleted / eraseS),
      unit: `rows/s deleted (${deleted} rows, after the ${SETTLE_MS} ms the write path's caches take to settle)`,
    },
    'erasure.max_loop_stall_ms': {
      value: round(stall, 1),
      unit: 'ms, the longest the event loop waited during the erasure',
    },
  };
}
