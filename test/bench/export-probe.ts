/**
 * The export's memory, alone in a process whose V8 heap is capped (test/bench/export.ts runs
 * it with --max-old-space-size): a store with HOURS of one dancer's data, the archive written
 * to a sink, and the peak growth of RSS and heap printed as JSON. An export that held its data
 * in memory would not finish under the cap.
 */
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createUser } from '../../daemon/api/auth/users.js';
import { dancerArchive } from '../../daemon/privacy/export-archive.js';
import { Sql } from '../../daemon/store/sql.js';
import { Store } from '../../daemon/store/store.js';
import { seedDancerData } from '../helpers/dancer-data.js';
import { tempDir } from '../helpers/daemon-process.js';

const hours = Number(process.argv[2] ?? 10);
const store = new Store({
  path: join(tempDir('codance-bench-probe-'), 'c.db'),
  batchMs: 100,
  maxBatchRows: 10_000,
  chunkMs: 1000,
});
await store.start();
const sql = new Sql(store.sqlite, store.db, Date.now);
const id = await createUser(sql, {
  username: 'maria',
  email: 'maria@example.org',
  password: 'bench-password-1',
  role: 'dancer',
});
seedDancerData(store.sqlite, {
  userId: id,
  band: 'band-maria',
  t0: Date.now() - (hours + 1) * 3_600_000,
  seconds: hours * 3600,
});
global.gc?.();
const before = process.memoryUsage();
let rss = before.rss;
let heap = before.heapUsed;
const timer = setInterval(() => {
  const m = process.memoryUsage();
  rss = Math.max(rss, m.rss);
  heap = Math.max(heap, m.heapUsed);
}, 10);
const started = performance.now();
await pipeline(
  dancerArchive(sql, { box: { id: 'bench', name: 'bench' }, userId: id })!,
  new Writable({ write: (_chunk, _enc, done) => done() }),
);
clearInterval(timer);
const mb = (x: number) => Math.round((x / 1024 / 1024) * 10) / 10;
console.log(
  JSON.stringify({
    seconds: (performance.now() - started) / 1000,
    rssMb: mb(rss - before.rss),
    heapMb: mb(heap - before.heapUsed),
  }),
);
await store.stop();
