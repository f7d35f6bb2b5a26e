/**
 * `npm run bench`: prints ONE JSON object mapping each figure's stable name to
 * { value, unit } (+ baseline and ratio where measured against one in the same run).
 * Each figure is the median of RUNS runs after a warm-up. Names are listed in test/bench/README.md.
 * `npm run bench -- SECTION...` runs only those sections (store, api, parsers, pipeline,
 * outputs, loaded, dmx, ble, choreo, pages, sync, export, fleet).
 */
import { scratchRootForScript } from '../helpers/scratch-root.js';
import { apiPaging, rawPaging, setupApi } from './api.js';
import { imuIngest, rawIngest, refusingDisk, storeIngest } from './store-ingest.js';
import { batchLatencyMs, models, rssAfterTenMinutes, sustained } from './pipeline.js';
import { outputLatency } from './outputs.js';
import { dmxBeatFigures } from './dmx.js';
import { loadedSection } from './loaded-section.js';
import { syncFigures } from './sync.js';
import { choreographyFigures } from './choreography.js';
import { pageFigures } from './pages.js';
import { round, type Figure } from './figure.js';
import { hrBaselineRate, hrParseRate, pmdBaselineRate, pmdCompressedRate, pmdParseRate } from './parsers.js';
import { bleRadioFigures } from './ble-radios.js';
import { exportFigures } from './export.js';
import { fleetFigures } from './fleet.js';

scratchRootForScript('codance-bench-run-');

const RUNS = 3;
const N = 100_000;

async function median(fn: () => Promise<number>): Promise<number> {
  await fn(); // warm-up: JIT, page cache
  const xs: number[] = [];
  for (let i = 0; i < RUNS; i++) xs.push(await fn());
  xs.sort((a, b) => a - b);
  return xs[Math.floor(xs.length / 2)] as number;
}

const figures: Record<string, Figure> = {};
const only = new Set(process.argv.slice(2));
const want = (section: string): boolean => only.size === 0 || only.has(section);

if (want('store')) {
  const rssBefore = process.memoryUsage().rss;
  const store = await median(() => storeIngest(N));
  const raw = await median(() => rawIngest(N));
  figures['store.ingest.samples_per_s'] = {
    value: round(store),
    unit: 'samples/s',
    baseline: round(raw),
    ratio: round(store / raw, 3),
  };

  let imuRows = 0;
  const imu = await median(async () => {
    const r = await imuIngest(120);
    imuRows = r.rowsPerS;
    return r.samplesPerS;
  });
  figures['store.ingest.imu_samples_per_s'] = { value: round(imu), unit: 'samples/s' };
  figures['store.ingest.imu_chunk_rows_per_s'] = { value: round(imuRows), unit: 'rows/s' };
  figures['store.ingest.rss_growth_mb'] = {
    value: round((process.memoryUsage().rss - rssBefore) / 1024 / 1024, 1),
    unit: 'MiB',
  };

  const refusing = await refusingDisk(200_000);
  figures['store.refusing_disk.samples_per_s'] = {
    value: round(refusing.refusing),
    unit: 'samples/s enqueued while every write fails',
    baseline: round(refusing.healthy),
    ratio: round(refusing.refusing / refusing.healthy, 3),
  };
  figures['store.refusing_disk.write_attempts'] = {
    value: refusing.attempts,
    unit: 'failed transactions for 200 000 samples (1 per second of ticks at most)',
  };
  figures['store.refusing_disk.samples_lost'] = {
    value: refusing.lost,
    unit: 'samples counted lost (queue bound: 20 batches of 5 000)',
  };
}

if (want('export')) Object.assign(figures, await exportFigures());
// Only when asked for: it takes about twelve minutes (a 10 M-record PostgreSQL, then two fleet runs).
if (only.has('fleet')) Object.assign(figures, await fleetFigures());

if (want('api')) {
  const { h, eventId } = await setupApi();
  const apiPages = await median(() => apiPaging(h, eventId));
  const rawPages = await median(() => rawPaging(h, eventId));
  figures['api.list.pages_per_s'] = {
    value: round(apiPages),
    unit: 'pages/s (100 records)',
    baseline: round(rawPages),
    ratio: round(apiPages / rawPages, 3),
  };
  const loginMs = await median(async () => {
    const started = performance.now();
    const res = await h.login('technician', undefined, `10.99.0.${Math.floor(Math.random() * 250)}`);
    if (res.status !== 200) throw new Error(`login failed: ${res.status}`);
    return performance.now() - started;
  });
  figures['api.login_ms'] = { value: round(loginMs, 1), unit: 'ms (argon2id verify + tokens)' };
  await h.stop();
}

if (want('parsers')) {
  const hr = await median(() => Promise.resolve(hrParseRate()));
  const hrBase = await median(() => Promise.resolve(hrBaselineRate()));
  figures['ble.parse.hr_frames_per_s'] = {
    value: round(hr),
    unit: 'frames/s (0x2A37)',
    baseline: round(hrBase),
    ratio: round(hr / hrBase, 3),
  };
  const pmd = await median(() => Promise.resolve(pmdParseRate()));
  const pmdBase = await median(() => Promise.resolve(pmdBaselineRate()));
  figures['ble.parse.pmd_frames_per_s'] = {
    value: round(pmd),
    unit: 'frames/s (ACC, 36 samples)',
    baseline: round(pmdBase),
    ratio: round(pmd / pmdBase, 3),
  };
  const compressed = await median(() =>
    Promise.resolve(pmdCompressedRate(process.env.CODANCE_DATA__PATH ?? '../shared/data') ?? 0),
  );
  if (compressed > 0)
    figures['ble.parse.pmd_compressed_frames_per_s'] = {
      value: round(compressed),
      unit: 'frames/s (ACC delta, 57 samples)',
    };
}

// ---- the pipeline, 200 dancers
if (want('pipeline')) {
  const onnx = await models('onnx');
  const tfjs = await models('tfjs');
  if (!onnx.arousal || !onnx.gesture || !tfjs.arousal) throw new Error('models did not load');
  figures['pipeline.arousal_batch200_ms'] = {
    value: round(await batchLatencyMs(onnx.arousal), 3),
    unit: 'ms per batch of 200 dancers (onnxruntime)',
  };
  figures['pipeline.arousal_batch200_tfjs_ms'] = {
    value: round(await batchLatencyMs(tfjs.arousal), 3),
    unit: 'ms per batch of 200 dancers (TensorFlow.js WASM)',
  };
  figures['pipeline.gesture_batch200_ms'] = {
    value: round(await batchLatencyMs(onnx.gesture), 3),
    unit: 'ms per batch of 200 windows (onnxruntime)',
  };
  const live = await sustained(onnx, 20);
  figures['pipeline.samples_per_s'] = {
    value: round(live.samplesPerS),
    unit: 'samples/s sustained, 200 dancers (IMU 50 Hz, HR 1 Hz, EDA+temp 4 Hz) through store and pipeline',
  };
  figures['pipeline.cpu_share'] = {
    value: round(live.cpuShare, 3),
    unit: 'CPU seconds per second (1 = one core), same run',
  };
  figures['pipeline.sample_to_state_p50_ms'] = {
    value: round(live.latencyP50Ms, 1),
    unit: 'ms from a sample to the crowd state that includes it (1 Hz states)',
  };
  figures['pipeline.sample_to_state_p99_ms'] = { value: round(live.latencyP99Ms, 1), unit: 'ms, p99' };
  figures['pipeline.crowd_tick_ms'] = {
    value: round(live.crowdTickMs, 2),
    unit: 'ms to compute one crowd state for 200 dancers',
  };
  const ten = await rssAfterTenMinutes(onnx);
  figures['pipeline.rss_after_10min_mb'] = {
    value: round(ten.rssMb, 1),
    unit: `MiB RSS after 10 min of 200-dancer data (simulated in ${round(ten.wallS, 1)} s)`,
  };
}

// ---- outputs: trigger latency and a steady stream, received by a separate process
if (want('outputs')) {
  const o = await outputLatency(200, 10);
  figures['osc.trigger_latency_p50_ms'] = {
    value: round(o.p50, 3),
    unit: `ms from sample arrival to the OSC datagram received by another process (200 dancers, ${o.triggers} triggers, ${o.lost} lost)`,
  };
  figures['osc.trigger_latency_p99_ms'] = { value: round(o.p99, 3), unit: 'ms, p99' };
  figures['osc.trigger_latency_max_ms'] = { value: round(o.max, 3), unit: 'ms, max' };
  figures['osc.stream60_jitter_p99_ms'] = {
    value: round(o.jitterP99Ms, 3),
    unit: `ms |interval − 16.67 ms| p99 of a 60 Hz stream at the receiver (${o.streamIntervals} intervals, std ${round(o.jitterStdMs, 2)} ms)`,
  };
  figures['osc.stream60_jitter_max_ms'] = { value: round(o.jitterMaxMs, 3), unit: 'ms, max' };
  figures['osc.messages_per_s'] = { value: round(o.messagesPerS), unit: 'OSC messages/s received during that run' };
}

// ---- the real-time lane under load: the daemon with 200 dancers, alone and while busy
if (want('loaded')) Object.assign(figures, await loadedSection());

// ---- DMX over sACN: a change timed to the beat, measured at a receiving process
if (want('dmx')) {
  const d = await dmxBeatFigures(120);
  figures['dmx.beat_lateness_p50_ms'] = {
    value: round(d.p50, 3),
    unit: `ms from the beat to the sACN packet carrying the change at another process (${d.beats} beats, ${d.missed} missed)`,
    baseline: round(d.refreshP50, 3),
    ratio: round(d.p50 / d.refreshP50, 3),
  };
  figures['dmx.beat_lateness_p99_ms'] = {
    value: round(d.p99, 3),
    unit: 'ms, p99 (baseline: the change left for the 44 Hz refresh)',
    baseline: round(d.refreshP99, 3),
  };
  figures['dmx.beat_lateness_max_abs_ms'] = { value: round(d.max, 3), unit: 'ms, largest |arrival − beat|' };
}

// ---- BLE through the real host stack: 12 wearables over 2 UART radios (Bumble)
if (want('ble')) Object.assign(figures, await bleRadioFigures());

// ---- songs and choreography
if (want('choreo')) Object.assign(figures, await choreographyFigures(median));

// ---- the console and the dashboard
if (want('pages')) Object.assign(figures, await pageFigures(median));

// ---- cloud sync: drain rate to PostgreSQL, wire bytes per dancer-hour
if (want('sync')) Object.assign(figures, await syncFigures());

console.log(JSON.stringify(figures, null, 2));
