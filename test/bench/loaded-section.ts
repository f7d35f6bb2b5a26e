// `npm run bench -- loaded`: runs the loaded bench in a process started as the systemd unit
// starts the daemon, and turns its figures into the bench's names.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { DANCERS, TSX } from './loaded-box.js';
import type { LoadedFigures } from './loaded.js';
import { round, type Figure } from './figure.js';

/**
 * The section's figures: `osc.loaded.*` and `loop.loaded.*` beside the same run's unloaded ones.
 * The daemon's process is started as the systemd unit starts it (a 2 MB young generation).
 */
export async function loadedSection(seconds = 20): Promise<Record<string, Figure>> {
  const run = spawn(
    process.execPath,
    [
      '--max-semi-space-size=2',
      '--single-threaded-gc',
      ...TSX,
      join(import.meta.dirname, 'loaded-run.ts'),
      String(seconds),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, MALLOC_ARENA_MAX: '2' } },
  );
  let printed = '';
  run.stdout.on('data', (d: Buffer) => (printed += d.toString()));
  const code = await new Promise((r) => run.once('exit', r));
  if (code !== 0) throw new Error(`the loaded bench exited ${String(code)}`);
  const f = JSON.parse(printed) as LoadedFigures;
  const out: Record<string, Figure> = {};
  const c = f.clients;
  const what = {
    unloaded: `${DANCERS} dancers alone, the desk taking ${f.deskDatagrams} datagrams over both phases (load1 ${round(f.unloaded.load1, 2)})`,
    loaded: `${DANCERS} dancers + API 50 req/s (${c['pages'] ?? 0} pages) + 2 console streams + ${c['songs'] ?? 0} songs analysed + sync drain (${f.synced} records in the cloud) (load1 ${round(f.loaded.load1, 2)})`,
  };
  for (const phase of ['unloaded', 'loaded'] as const) {
    const p = f[phase];
    out[`osc.${phase}.trigger_latency_p50_ms`] = {
      value: round(p.p50, 3),
      unit: `ms from the driver's stamp to the datagram at another process, ${p.triggers} triggers; ${what[phase]}`,
    };
    // Against the floor: a bare sender at the same priority through the same kernel to the same receiver.
    const vsFloor = (value: number, floor: number) => ({
      value: round(value, 3),
      baseline: round(floor, 3),
      ratio: round(value / floor, 2),
    });
    out[`osc.${phase}.trigger_latency_p99_ms`] = { ...vsFloor(p.p99, p.floor.p99), unit: 'ms, p99' };
    out[`osc.${phase}.trigger_latency_max_ms`] = { ...vsFloor(p.max, p.floor.max), unit: 'ms, max' };
    out[`osc.${phase}.floor_thread_latency_p99_ms`] = {
      ...vsFloor(p.floorThread.p99, p.floor.p99),
      unit: "ms, p99: the floor sender as a thread of the daemon's process (as the lane is), against it as a process",
    };
    out[`osc.${phase}.floor_thread_jitter_p99_ms`] = {
      ...vsFloor(p.floorThread.jitterP99, p.floor.jitterP99),
      unit: 'ms, its 60 Hz jitter p99, against the process',
    };
    out[`osc.${phase}.floor_latency_p50_ms`] = {
      value: round(p.floor.p50, 3),
      unit: 'ms, a bare 60 Hz sender at the lane priority: its stamp before send to the receiver (the kernel and the receiver)',
    };
    out[`osc.${phase}.trigger_to_socket_p99_ms`] = {
      value: round(p.toSocketP99, 3),
      unit: "ms, p99 of the part inside the box: the driver's stamp to the datagram handed to the socket",
    };
    out[`osc.${phase}.stream60_jitter_p99_ms`] = {
      ...vsFloor(p.jitterP99, p.floor.jitterP99),
      unit: 'ms |interval − 16.67 ms| p99 of the 60 Hz target at the receiver',
    };
    out[`osc.${phase}.stream60_jitter_max_ms`] = { value: round(p.jitterMax, 3), unit: 'ms, max' };
    out[`loop.${phase}.lag_p99_ms`] = {
      value: round(p.loopLagP99, 3),
      unit: "ms, event-loop delay p99 of the real-time lane's process",
    };
    out[`loop.${phase}.lag_max_ms`] = { value: round(p.loopLagMax, 3), unit: 'ms, max' };
    out[`loop.${phase}.main_lag_p99_ms`] = {
      value: round(p.mainLagP99, 3),
      unit: 'ms, event-loop delay p99 of the main thread (drivers, store, pipeline, API)',
    };
    out[`loop.${phase}.main_lag_max_ms`] = { value: round(p.mainLagMax, 3), unit: 'ms, max' };
    out[`gc.${phase}.lane_minor_max_ms`] = {
      value: round(p.laneGc.minorMaxMs, 3),
      unit: `ms, the lane's longest minor GC (${p.laneGc.minor} in the phase)`,
    };
    out[`gc.${phase}.lane_major_max_ms`] = {
      value: round(p.laneGc.majorMaxMs, 3),
      unit: `ms, the lane's longest major GC (${p.laneGc.major} in the phase)`,
    };
    out[`gc.${phase}.minor_max_ms`] = {
      value: round(p.gcMinorMaxMs, 3),
      unit: `ms, the main thread's longest minor GC (${p.gcMinorCount} in the phase)`,
    };
    out[`gc.${phase}.major_max_ms`] = {
      value: round(p.gcMajorMaxMs, 3),
      unit: `ms, the main thread's longest major GC (${p.gcMajorCount} in the phase)`,
    };
  }
  return out;
}
