/**
 * `npm run soak -- --minutes N [--dancers D]`: the built daemon (`npm run build` first) with D
 * simulated dancers (200) for N minutes (30), every default rule sent to a desk on loopback,
 * the pipeline on, started as the unit starts it. Each minute, for the daemon and its lane
 * process together: the summed RSS, the proportional set size (PSS: shared pages counted once)
 * with its anonymous, file-backed and shared parts, the lane's RSS alone, both V8 heaps (from
 * /metrics) and CPU. At the end the slopes in MB/hour (least squares after the first two
 * minutes, the warm-up). Prints one JSON object.
 */
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CLI, ROOT, freePort, tempDir } from '../helpers/daemon-process.js';
import { round } from './figure.js';
import { scratchRootForScript } from '../helpers/scratch-root.js';

const { values } = parseArgs({
  options: { minutes: { type: 'string', default: '30' }, dancers: { type: 'string', default: '200' } },
});
const minutes = Number(values.minutes);
const dancers = Number(values.dancers);
if (!(minutes >= 1) || !(dancers >= 1 && dancers <= 500)) {
  console.error('usage: npm run soak -- --minutes N (>= 1) [--dancers D (1..500)]');
  process.exit(2);
}
if (!existsSync(CLI)) {
  console.error(`the soak runs the built daemon: run npm run build first (${CLI} is missing)`);
  process.exit(2);
}

scratchRootForScript('codance-soak-run-');
const desk = createSocket('udp4');
let datagrams = 0;
desk.on('message', () => datagrams++);
await new Promise<void>((r) => desk.bind(0, '127.0.0.1', r));
const dir = tempDir('codance-soak-');
const port = await freePort();
const config = join(dir, 'codance.yaml');
writeFileSync(
  config,
  JSON.stringify({
    http: { port },
    store: { path: join(dir, 'codance.db') },
    simulation: { dancers, seed: 17, bpm: 124, mood: 0.6 },
    osc: {
      in: { port: 0 },
      query: { port: 0 },
      targets: [{ name: 'desk', host: '127.0.0.1', port: desk.address().port }],
    },
  }),
);
// As the systemd unit runs it (systemd/codance.service).
const daemon = spawn(
  process.execPath,
  ['--max-semi-space-size=2', '--single-threaded-gc', CLI, 'daemon', '--config', config],
  {
    cwd: ROOT,
    env: { ...process.env, MALLOC_ARENA_MAX: '2' },
    stdio: ['ignore', 'ignore', 'inherit'],
  },
);
const pid = daemon.pid!;
/** The daemon and its children (the real-time lane's process): the box's memory and CPU are theirs together. */
function pids(): number[] {
  const children = readdirSync(`/proc/${pid}/task`).flatMap((t) =>
    readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number),
  );
  return [pid, ...children];
}
const sum = (f: (p: number) => number): number => pids().reduce((a, p) => a + f(p), 0);
const ticksPerS = 100; // USER_HZ on Linux
const cpuTicks = (): number =>
  sum((p) => {
    const f = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return Number(f[11]) + Number(f[12]); // utime, stime
  });
/**
 * Both processes' proportional set size, and where it lives: anonymous memory (malloc, V8),
 * file-backed pages (code, libraries), shared memory (SQLite's -shm).
 */
function pss(): { pssMb: number; anonMb: number; fileMb: number; shmemMb: number } {
  const kb = (field: string): number =>
    sum((p) => {
      const text = readFileSync(`/proc/${p}/smaps_rollup`, 'utf8');
      return Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? NaN);
    });
  return {
    pssMb: round(kb('Pss') / 1024, 1),
    anonMb: round(kb('Pss_Anon') / 1024, 1),
    fileMb: round(kb('Pss_File') / 1024, 1),
    shmemMb: round(kb('Pss_Shmem') / 1024, 1),
  };
}
const vmRssMb = (p: number): number =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1]) / 1024;
/** Both processes' resident memory; the lane's alone. */
const rssMb = (): number => sum(vmRssMb);
const laneRssMb = (): number =>
  pids()
    .slice(1)
    .reduce((a, p) => a + vmRssMb(p), 0);
async function metric(name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
}

for (let i = 0; ; i++) {
  if ((await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined))?.ok) break;
  if (i > 300 || daemon.exitCode !== null) throw new Error('the daemon did not become healthy');
  await new Promise((r) => setTimeout(r, 100));
}

const perMinute: {
  minute: number;
  rssMb: number;
  pssMb: number;
  laneRssMb: number;
  anonMb: number;
  fileMb: number;
  shmemMb: number;
  heapMb: number;
  laneHeapMb: number;
  cpuPct: number;
}[] = [];
let ticks = cpuTicks();
let at = performance.now();
for (let m = 1; m <= minutes; m++) {
  await new Promise((r) => setTimeout(r, 60_000));
  if (daemon.exitCode !== null) throw new Error(`the daemon exited (${daemon.exitCode}) in minute ${m}`);
  const now = performance.now();
  const t = cpuTicks();
  perMinute.push({
    minute: m,
    rssMb: round(rssMb(), 1),
    ...pss(),
    laneRssMb: round(laneRssMb(), 1),
    heapMb: round((await metric('codance_nodejs_heap_size_used_bytes')) / 2 ** 20, 1),
    laneHeapMb: round((await metric('codance_lane_heap_used_bytes')) / 2 ** 20, 1),
    cpuPct: round(((t - ticks) / ticksPerS / ((now - at) / 1000)) * 100, 1),
  });
  console.error(JSON.stringify(perMinute.at(-1)));
  ticks = t;
  at = now;
}
daemon.kill('SIGTERM');
await new Promise((r) => daemon.once('exit', r));
desk.close();

/** Least-squares slope of one figure over the minutes after the warm-up, in MB per hour. */
function slopeMbPerHour(key: 'rssMb' | 'pssMb' | 'anonMb' | 'fileMb'): number {
  const steady = perMinute.filter((r) => r.minute > 2);
  const rows = steady.length >= 2 ? steady : perMinute;
  const xs = rows.map((r) => r.minute / 60);
  const ys = rows.map((r) => r[key]);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const num = xs.reduce((a, x, i) => a + (x - mx) * (ys[i]! - my), 0);
  const den = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
  return den === 0 ? 0 : round(num / den, 2);
}
console.log(
  JSON.stringify(
    {
      minutes,
      dancers,
      maxRssMb: Math.max(...perMinute.map((r) => r.rssMb)),
      // What the box takes from the machine: both processes' proportional set size (pages they
      // share, Node's own code among them, counted once). The summed RSS counts those twice.
      maxPssMb: Math.max(...perMinute.map((r) => r.pssMb)),
      pssSlopeMbPerHour: slopeMbPerHour('pssMb'),
      rssSlopeMbPerHour: slopeMbPerHour('rssMb'),
      anonSlopeMbPerHour: slopeMbPerHour('anonMb'),
      fileSlopeMbPerHour: slopeMbPerHour('fileMb'),
      meanCpuPct: round(perMinute.reduce((a, r) => a + r.cpuPct, 0) / perMinute.length, 1),
      datagramsPerS: round(datagrams / (minutes * 60)),
      perMinute,
    },
    null,
    2,
  ),
);
