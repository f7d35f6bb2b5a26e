/**
 * The export's memory, alone in a process whose V8 heap is capped (test/bench/export.ts runs
 * it with --max-old-space-size): a store with HOURS of one dancer's data, the archive written
 * to a sink, and the peak growth of RSS and heap printed as JSON. An export that held its data
 * in memory would not finish under the cap.
 */
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { dancerArchive } from '../../daemon/privacy/export-archive.js';
import { dancerStore } from './dancer-store.js';

const hours = Number(process.argv[2] ?? 10);
const { store, sql, userId: id } = await dancerStore(hours);
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
