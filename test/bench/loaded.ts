/**
 * The real-time lane under load: the daemon runs in this process with 200 simulated dancers
 * (store, pipeline, outputs: the box's own work), first alone, then while another process
 * pages the API at 50 requests/s, holds two console streams open and imports songs (each one
 * analysed), and the sync client drains its backlog to a local `codance cloud` (a third
 * process). A receiver process stamps each datagram with CLOCK_MONOTONIC; triggers are matched
 * to their samples' driver stamps (`Sample.arrivedAt`) in send order.
 */
import BetterSqlite3 from 'better-sqlite3';
import { pino } from 'pino';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { PerformanceObserver, monitorEventLoopDelay, constants as perf } from 'node:perf_hooks';
import { loadConfig } from '../../config/index.js';
import { Daemon } from '../../daemon/daemon.js';
import type { Lane } from '../../daemon/lane/lane.js';
import { createLogger } from '../../daemon/logger.js';
import { preciseNow } from '../../drivers/precise-timer.js';
import { dataFile } from '../helpers/data.js';
import { freePort, tempDir } from '../helpers/daemon-process.js';
import { STREAM_HZ, USER, child, configYaml, prepareBox } from './loaded-box.js';
import { monoMs, pct } from './figure.js';

export interface PhaseFigures {
  triggers: number;
  p50: number;
  p99: number;
  max: number;
  /** The driver's stamp to the moment the lane handed the datagram to its socket. */
  toSocketP99: number;
  jitterP99: number;
  jitterMax: number;
  /** The lane's event loop. */
  loopLagP99: number;
  loopLagMax: number;
  /** The main thread's (drivers, store, pipeline, API). */
  mainLagP99: number;
  mainLagMax: number;
  laneGc: { minor: number; minorMaxMs: number; major: number; majorMaxMs: number };
  gcMinorCount: number;
  gcMinorMaxMs: number;
  gcMajorCount: number;
  gcMajorMaxMs: number;
  load1: number;
  /** The machine's floor in the same phase: a bare sender at the lane's priority (floor-sender.ts), as a process. */
  floor: FloorFigures;
  /** The same sender as a thread of the daemon's process, as the lane is. */
  floorThread: FloorFigures;
}

export interface FloorFigures {
  p50: number;
  p99: number;
  max: number;
  jitterP99: number;
}

/** A floor sender's stamps matched to its arrivals (in order: one socket, loopback). */
function floorHits(sent: number[], got: number[] = [], what: string): [number, number][] {
  if (got.length !== sent.length) throw new Error(`${sent.length} ${what} datagrams sent, ${got.length} received`);
  return sent.map((s, i) => [s, got[i]! - s]);
}

export interface LoadedFigures {
  unloaded: PhaseFigures;
  loaded: PhaseFigures;
  clients: Record<string, number>;
  synced: number;
  /** Datagrams the desk (the default address space) received over both phases. */
  deskDatagrams: number;
}

class Phase {
  private readonly lag = monitorEventLoopDelay({ resolution: 1 });
  private readonly gc = { minor: [] as number[], major: [] as number[] };
  private readonly observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind;
      (kind === perf.NODE_PERFORMANCE_GC_MAJOR ? this.gc.major : this.gc.minor).push(e.duration);
    }
  });
  readonly from = monoMs();
  to = 0;
  laneLag = { p50: 0, p99: 0, max: 0 };
  laneGc = { minor: 0, minorMaxMs: 0, major: 0, majorMaxMs: 0 };

  constructor(private readonly lane: Lane) {
    lane.resetLag();
    this.lag.enable();
    this.observer.observe({ entryTypes: ['gc'] });
  }

  async end(): Promise<void> {
    // The lane reports every 100 ms: wait for one that covers the whole phase.
    await new Promise((r) => setTimeout(r, 150));
    this.laneLag = this.lane.lag;
    this.laneGc = this.lane.gc;
    this.to = monoMs();
    this.lag.disable();
    this.observer.disconnect();
  }

  figures(
    arrivals: Record<string, number[]>,
    hits: [number, number, number][],
    floors: { process: [number, number][]; thread: [number, number][] },
  ): PhaseFigures {
    const inPhase = (t: number) => t >= this.from && t <= this.to;
    const mine = hits.filter(([sentAt]) => inPhase(sentAt));
    const latencies = mine.map(([, l]) => l);
    const toSocket = mine.map(([, , s]) => s);
    const jitter = (address: string): number[] => {
      const at = (arrivals[address] ?? []).filter((t) => t > this.from + 1000 && t < this.to - 200);
      return at.slice(1).map((t, i) => Math.abs(t - at[i]! - 1000 / STREAM_HZ));
    };
    const dev = jitter('/bench/stream');
    const floor = (hits: [number, number][], address: string): FloorFigures => {
      const l = hits.filter(([sentAt]) => inPhase(sentAt)).map(([, x]) => x);
      return { p50: pct(l, 50), p99: pct(l, 99), max: Math.max(...l), jitterP99: pct(jitter(address), 99) };
    };
    return {
      triggers: latencies.length,
      p50: pct(latencies, 50),
      p99: pct(latencies, 99),
      max: Math.max(...latencies),
      toSocketP99: pct(toSocket, 99),
      jitterP99: pct(dev, 99),
      jitterMax: Math.max(...dev),
      loopLagP99: this.laneLag.p99,
      loopLagMax: this.laneLag.max,
      mainLagP99: this.lag.percentile(99) / 1e6,
      mainLagMax: this.lag.max / 1e6,
      laneGc: this.laneGc,
      gcMinorCount: this.gc.minor.length,
      gcMinorMaxMs: Math.max(0, ...this.gc.minor),
      gcMajorCount: this.gc.major.length,
      gcMajorMaxMs: Math.max(0, ...this.gc.major),
      load1: 0,
      floor: floor(floors.process, '/bench/floor'),
      floorThread: floor(floors.thread, '/bench/floor-thread'),
    };
  }
}

export async function loadedFigures(seconds = 20): Promise<LoadedFigures> {
  const dir = tempDir('codance-loaded-');
  const receiver = child([join(import.meta.dirname, 'udp-receiver.ts')], 20);
  const receiverPort = Number(await receiver.next());
  const desk = child([join(import.meta.dirname, 'udp-receiver.ts'), 'sink']);
  const deskPort = Number(await desk.next());
  const floor = child([join(import.meta.dirname, 'floor-sender.ts'), String(receiverPort)], 10);
  await floor.next();
  const httpPort = await freePort();
  const configFile = configYaml(dir, httpPort, receiverPort, deskPort);
  const { boxId, eventId } = await prepareBox(dir, configFile);
  const cloud = child([join(import.meta.dirname, 'load-peer.ts'), 'cloud', join(dir, 'cloud.db'), boxId]);
  const enrolled = JSON.parse(await cloud.next()) as { port: number; token: string };
  {
    const db = new BetterSqlite3(join(dir, 'box.db'));
    const put = db.prepare(
      'INSERT INTO box_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
    // Not listening while the box runs alone (a backlog builds up); the loaded phase drains it.
    put.run('cloud_url', `http://127.0.0.1:${enrolled.port}`);
    put.run('cloud_token', enrolled.token);
    db.close();
  }

  // The bench runs from source: the thread loads TypeScript through tsx, as the lane does in tests.
  const floorFile = new URL('./floor-sender.ts', import.meta.url).href;
  const floorThread = new Worker(
    `import('tsx/esm/api').then((t) => { t.register(); return import(${JSON.stringify(floorFile)}); })`,
    { eval: true, workerData: receiverPort },
  );
  await new Promise((r) => floorThread.once('message', r));
  const daemon = new Daemon({
    config: loadConfig({ file: configFile }),
    log: createLogger('warn', pino.destination({ dest: 2, sync: true })),
  });
  const abort = new AbortController();
  await daemon.start(abort.signal);
  // performance.now() and CLOCK_MONOTONIC are the same clock; this turns a driver stamp into the receiver's.
  const toMono = monoMs() - preciseNow();
  const phases: Phase[] = [];
  let phase: Phase | undefined;
  const origins: number[] = [];
  const sent: number[] = [];
  daemon.parts!.room.outputTap = (target, kind, origin, sentAt) => {
    if (target !== 'triggers' || kind !== 'trigger') return;
    origins.push(origin.at + toMono);
    sent.push(sentAt + toMono);
  };
  await new Promise((r) => setTimeout(r, 5000)); // warm-up: JIT, slots, adaptive scales

  phases.push((phase = new Phase(daemon.parts!.room.engine)));
  const load1: number[] = [];
  await new Promise((r) => setTimeout(r, seconds * 1000));
  load1.push(loadavg()[0]!);
  await phase.end();

  const songs = ['97bpm.wav', '117bpm.wav', '170bpm.wav'].map((f) => dataFile('audio', 'bpm-detective', f));
  const clients = child([
    join(import.meta.dirname, 'load-peer.ts'),
    'clients',
    `http://127.0.0.1:${httpPort}`,
    USER.username,
    USER.password,
    String(eventId),
    ...songs,
  ]);
  cloud.proc.stdin!.write('listen\n');
  await cloud.next();
  await new Promise((r) => setTimeout(r, 2000)); // the clients log in and start
  phases.push((phase = new Phase(daemon.parts!.room.engine)));
  await new Promise((r) => setTimeout(r, seconds * 1000));
  load1.push(loadavg()[0]!);
  await phase.end();
  phase = undefined;

  clients.proc.stdin!.end();
  const clientCounts = JSON.parse(await clients.next()) as Record<string, number>;
  floorThread.postMessage('stop');
  const floorThreadSent = await new Promise<number[]>((r) => floorThread.once('message', r));
  await floorThread.terminate();
  abort.abort();
  await daemon.stop();
  cloud.proc.stdin!.end();
  floor.proc.stdin!.end();
  const floorSent = JSON.parse(await floor.next()) as number[];
  desk.proc.stdin!.end();
  const deskDatagrams = (JSON.parse(await desk.next()) as { datagrams: number }).datagrams;
  receiver.proc.stdin!.end();
  const arrivals = JSON.parse(await receiver.next()) as Record<string, number[]>;
  await new Promise((r) => (cloud.proc.exitCode === null ? cloud.proc.once('exit', r) : r(undefined)));
  const cloudDb = new BetterSqlite3(join(dir, 'cloud.db'), { readonly: true });
  const synced = cloudDb.prepare('SELECT COUNT(*) AS n FROM records').get() as { n: number };
  cloudDb.close();

  // Hits arrive in the order they were sent (one socket, loopback): match them one to one.
  const got = Object.entries(arrivals)
    .filter(([a]) => a.startsWith('/bench/hit/'))
    .flatMap(([, ts]) => ts)
    .sort((a, b) => a - b);
  if (got.length !== sent.length) throw new Error(`${sent.length} hits sent, ${got.length} received`);
  const hits: [number, number, number][] = sent.map((s, i) => [s, got[i]! - origins[i]!, s - origins[i]!]);
  const floors = {
    process: floorHits(floorSent, arrivals['/bench/floor'], 'floor'),
    thread: floorHits(floorThreadSent, arrivals['/bench/floor-thread'], 'floor thread'),
  };
  const [unloaded, loaded] = phases.map((p, i) => ({ ...p.figures(arrivals, hits, floors), load1: load1[i]! })) as [
    PhaseFigures,
    PhaseFigures,
  ];
  return { unloaded, loaded, clients: clientCounts, synced: synced.n, deskDatagrams };
}
