/**
 * The pipeline under a 200-dancer venue (IMU 50 Hz, HR 1 Hz, EDA and temperature 4 Hz):
 * model latency per batch, sample→crowd-state latency, sustained throughput with its CPU
 * share, and memory after ten minutes of data.
 */
import { join } from 'node:path';
import { Bus } from '../../daemon/bus.js';
import { loadPipelineModels } from '../../daemon/pipeline/models.js';
import { Pipeline, type PipelineModels } from '../../daemon/pipeline/pipeline.js';
import { Store } from '../../daemon/store/store.js';
import { configSchema } from '../../config/index.js';
import { HealthRegistry } from '../../drivers/health/registry.js';
import type { Sample } from '../../config/signals.js';
import { SimulatedVenueDriver, realClock, type SimClock } from '../../drivers/sim/venue-driver.js';
import { tempDir } from '../helpers/daemon-process.js';

const DANCERS = 200;
const { enabled: _e, arousalRuntime: _r, ...options } = configSchema.parse({}).pipeline;

export async function models(runtime: 'onnx' | 'tfjs'): Promise<PipelineModels> {
  return loadPipelineModels(new HealthRegistry(), runtime);
}

/**
 * Median ms of one model call on a batch of 200 rows, in steady state: the first calls are
 * left out (20, what a pipeline makes in its first 200 s), because a WASM runtime compiles
 * its hot code in tiers and the first calls measure the compiler.
 */
export async function batchLatencyMs(
  model: { inputWidth: number; run(x: Float32Array, n: number): Promise<Float32Array> },
  runs = 50,
  warmUp = 20,
): Promise<number> {
  const x = Float32Array.from({ length: DANCERS * model.inputWidth }, (_, i) => Math.sin(i));
  for (let i = 0; i < warmUp; i++) await model.run(x, DANCERS);
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await model.run(x, DANCERS);
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return ms[ms.length >> 1]!;
}

function chain(m: PipelineModels, clock: SimClock, now: () => number) {
  const store = new Store({
    path: join(tempDir('codance-bench-'), 'p.db'),
    batchMs: 50,
    maxBatchRows: 5000,
    chunkMs: 1000,
  });
  const bus = new Bus(() => undefined);
  const health = new HealthRegistry();
  const venue = new SimulatedVenueDriver(
    { dancers: DANCERS, seed: 5, imuRateHz: 50, bpm: 124, mood: 0.6 },
    { emit: (s) => bus.emit('sample', s), announce: (d) => store.registerDevice(d), health },
    clock,
  );
  const pipeline = new Pipeline({
    bus,
    write: (op) => store.writeDerived(op),
    health,
    now,
    tempo: () => ({ bpm: venue.crowd.bpm, originS: 0 }),
    patterns: () => [],
    currentEvent: () => null,
    models: m,
    options,
  });
  bus.on('sample', (s) => store.write(s));
  return { store, bus, venue, pipeline };
}

const count = (s: Sample): number => (s.kind === 'raw' ? s.values.length / s.channels : 1);

/**
 * Real time, real timers, `seconds` long: samples/s through bus → store + pipeline, the CPU
 * share of this process, and the latency from a sample's arrival to the crowd state that
 * first includes it (p50, p99; it includes the wait for the next 1 Hz tick).
 */
export async function sustained(
  m: PipelineModels,
  seconds: number,
): Promise<{ samplesPerS: number; cpuShare: number; latencyP50Ms: number; latencyP99Ms: number; crowdTickMs: number }> {
  const c = chain(m, realClock, Date.now);
  await c.store.start();
  let samples = 0;
  let pending: number[] = [];
  const latencies: number[] = [];
  let k = 0;
  c.bus.on('sample', (s) => {
    samples += count(s);
    if (k++ % 50 === 0) pending.push(performance.now()); // every 50th arrival, timed
  });
  const tickMs: number[] = [];
  c.pipeline.onCrowd = () => {
    const t = performance.now();
    for (const a of pending) latencies.push(t - a);
    pending = [];
  };
  const origCrowd = c.pipeline.crowdTick.bind(c.pipeline);
  c.pipeline.crowdTick = () => {
    const t = performance.now();
    origCrowd();
    tickMs.push(performance.now() - t);
  };
  c.pipeline.start();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await c.venue.start(new AbortController().signal);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  await c.venue.stop();
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  c.pipeline.stop();
  await c.store.stop();
  latencies.sort((a, b) => a - b);
  tickMs.sort((a, b) => a - b);
  return {
    samplesPerS: samples / (wall / 1000),
    cpuShare: (cpu.user + cpu.system) / 1000 / wall,
    latencyP50Ms: latencies[Math.floor(latencies.length * 0.5)]!,
    latencyP99Ms: latencies[Math.floor(latencies.length * 0.99)]!,
    crowdTickMs: tickMs[tickMs.length >> 1]!,
  };
}

/** Ten minutes of a 200-dancer night pushed through store and pipeline as fast as they take it; RSS at the end (MiB). */
export async function rssAfterTenMinutes(
  m: PipelineModels,
): Promise<{ rssMb: number; simulatedS: number; wallS: number }> {
  let now = 1_800_000_000_000;
  let tick: (() => void) | undefined;
  const clock: SimClock = {
    now: () => now,
    every(_ms, fn) {
      tick = fn;
      return () => (tick = undefined);
    },
  };
  const c = chain(m, clock, () => now);
  await c.store.start();
  await c.venue.start(new AbortController().signal);
  const t0 = performance.now();
  for (let ms = 200; ms <= 600_000; ms += 200) {
    now += 200;
    tick?.();
    if (ms % 1000 === 0) c.pipeline.crowdTick();
    if (ms % 10_000 === 0) await c.pipeline.arousalTick();
    if (ms % 1000 === 0) {
      c.store.flush();
      await new Promise((r) => setImmediate(r));
    }
  }
  const wallS = (performance.now() - t0) / 1000;
  const rssMb = process.memoryUsage().rss / 1024 / 1024;
  await c.venue.stop();
  await c.store.stop();
  return { rssMb, simulatedS: 600, wallS };
}
