/**
 * The real-time lane's process: the mapping engine and the sockets it sends on (OSC targets,
 * sACN / Art-Net). It does nothing else, so a sample it is given turns into a datagram without
 * waiting behind a store flush, an API query or a song analysis on the main thread. What the
 * main thread must know (health, what was sent and how late, output records, haptic and MIDI
 * commands) goes back in messages, the frequent ones gathered into one report every 100 ms.
 */
import { getHeapStatistics } from 'node:v8';
import { PerformanceObserver, monitorEventLoopDelay, constants as perf } from 'node:perf_hooks';
import type { HapticOutput } from '../../drivers/haptic.js';
import type { HealthReporter } from '../../drivers/health/registry.js';
import type { MidiOutDriver } from '../../drivers/midi/midi-out-driver.js';
import { OscTarget, type Origin } from '../../drivers/osc/osc-target.js';
import { TcpSlipTransport, UdpTransport } from '../../drivers/osc/transport.js';
import { realTimebase } from '../clock/music-clock.js';
import { MappingEngine } from '../mapping/engine.js';
import { DmxRig } from '../room/dmx-rig.js';
import { BeatGrid } from './beat-grid.js';
import { OBSERVATION_SIZE, type FromLane, type HealthPatch, type LaneInit, type ToLane } from './protocol.js';
import { SentCollector } from './sent-mirror.js';
import { LaneInputs } from './lane-inputs.js';
import { raisePriority } from './priority.js';

const REPORT_MS = 100;
const lag = monitorEventLoopDelay({ resolution: 1 });
lag.enable();
const gc: [number, number, number, number] = [0, 0, 0, 0];
const gcWatch = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const major = (e as unknown as { detail?: { kind?: number } }).detail?.kind === perf.NODE_PERFORMANCE_GC_MAJOR;
    gc[major ? 2 : 0]++;
    gc[major ? 3 : 1] = Math.max(gc[major ? 3 : 1], e.duration);
  }
});
gcWatch.observe({ entryTypes: ['gc'] });
const OUTPUTS = { osc: 0, dmx: 1, midi: 2, haptic: 3 } as const;

// The daemon's child: its first message says what to run; it ends with the daemon (the IPC
// channel closes when the daemon exits, even when it is killed).
process.once('disconnect', () => process.exit(0));
const init = await new Promise<LaneInit>((resolve) =>
  process.once('message', (m: ToLane) => {
    if (m.t === 'init') resolve(m.init);
  }),
);
const post = (m: FromLane): void => {
  if (process.connected) process.send!(m);
};
const time = realTimebase;

/**
 * Health goes to the main thread merged per component with the report, not a message per
 * call: every simulated band reports at each notification, and those messages were a share
 * of the work between a sample's arrival and its datagram.
 */
const healthPending = new Map<string, HealthPatch>();
function flushHealth(): void {
  if (healthPending.size === 0) return;
  post({ t: 'health', patches: [...healthPending] });
  healthPending.clear();
}
const health: HealthReporter = {
  report: (id, patch) => {
    const pending = healthPending.get(id);
    if (pending) Object.assign(pending, patch);
    else healthPending.set(id, { ...patch });
  },
  // Rare: at once, after what is pending, so the main thread sees them in order.
  countError: (id, reason) => {
    flushHealth();
    post({ t: 'error', id, reason });
  },
};

/** Observations between two reports, in one preallocated buffer (nothing allocated per output). */
const MAX_OBSERVED = 16_384;
const observed = new Float64Array(MAX_OBSERVED * OBSERVATION_SIZE);
let nObserved = 0;
let unobserved = 0;
const paths: string[] = [];
const pathIndex = new Map<string, number>();
function observe(output: number, kind: number, target: number, origin: Origin, sentAt: number): void {
  if (nObserved >= MAX_OBSERVED) {
    unobserved++;
    return;
  }
  let path = pathIndex.get(origin.path);
  if (path === undefined) pathIndex.set(origin.path, (path = paths.push(origin.path) - 1));
  const at = nObserved++ * OBSERVATION_SIZE;
  observed[at] = output;
  observed[at + 1] = kind;
  observed[at + 2] = target;
  observed[at + 3] = origin.at;
  observed[at + 4] = path;
  observed[at + 5] = sentAt;
}
const targetIndex = new Map<string, number>();
const targets = new Map<string, OscTarget>();
init.targets.forEach((t, i) => {
  const id = `osc:${t.name}`;
  const spec = { id, host: t.host, port: t.port, maxPacketBytes: t.maxPacketBytes };
  const transport = t.transport === 'tcp' ? new TcpSlipTransport(spec, health) : new UdpTransport(spec, health);
  targetIndex.set(t.name, i);
  const { rateHz, maxMessagesPerS, maxPacketBytes, timeTags, rules, prefix, floatRange, hold } = t;
  const options = { id, rateHz, maxMessagesPerS, maxPacketBytes, timeTags, rules, prefix, floatRange, hold };
  targets.set(
    t.name,
    new OscTarget(options, transport, health, time, (kind, origin, sentAt) =>
      observe(OUTPUTS.osc, kind === 'trigger' ? 0 : 1, i, origin, sentAt),
    ),
  );
});

const beatOrigin: Origin = { at: 0, path: 'beat' };
const dmx = new DmxRig(init.dmx, health, time, (ms) => {
  const now = time.now();
  beatOrigin.at = now - ms;
  observe(OUTPUTS.dmx, 0, -1, beatOrigin, now);
});

// Haptic controllers and MIDI run on the main thread (their drivers and native bindings live
// there): the lane tells it what to send.
const haptics = new Map<string, HapticOutput>(
  init.haptics.map(([name, channels]) => [
    name,
    {
      name,
      channels,
      start: () => Promise.resolve(),
      stop: () => Promise.resolve(),
      pulse: (pulse) => {
        post({ t: 'haptic', controller: name, pulse });
        return Promise.resolve({ ok: true, latencyMs: 0, attempts: 0 });
      },
      stopChannel: () => Promise.resolve({ ok: true, latencyMs: 0, attempts: 0 }),
    },
  ]),
);
const midi = init.midi
  ? ({
      cc: (channel: number, number: number, value: number) => {
        post({ t: 'midi', kind: 'cc', channel, number, value });
        return true;
      },
      note: (channel: number, number: number, value: number, durationMs: number, atMs?: number) => {
        post({ t: 'midi', kind: 'note', channel, number, value, durationMs, ...(atMs === undefined ? {} : { atMs }) });
        return true;
      },
    } as unknown as MidiOutDriver)
  : undefined;

const slots = new Map<string, number>();
const beats = new BeatGrid();
let currentEvent: number | null = null;
const engine = new MappingEngine({
  osc: targets,
  fixtures: dmx,
  slotOf: (deviceKey) => slots.get(deviceKey),
  groups: init.groups,
  ...(midi ? { midi } : {}),
  haptics,
  record: (row) => post({ t: 'record', row }),
  currentEvent: () => currentEvent,
  nextBeatAfter: (t) => beats.nextAfter(t),
  hapticLeadMs: init.hapticLeadMs,
  now: () => time.now(),
  setTimeout: (fn, ms) => time.setTimeout(fn, ms),
  latency: (output, kind, origin: Origin, sentAt) =>
    observe(OUTPUTS[output], kind === 'trigger' ? 0 : 1, -1, origin, sentAt),
});
engine.setRules(init.rules);

const sent = new SentCollector(engine.sent);
const inputs = new LaneInputs({
  simulation: init.simulation,
  health,
  onSample: (s) => engine.onSample(s),
  samples: (samples) => post({ t: 'samples', samples }),
  device: (device) => post({ t: 'device', device }),
});

let forgot: string[] = [];

function report(): void {
  flushHealth();
  post({
    t: 'report',
    observations: observed.slice(0, nObserved * OBSERVATION_SIZE),
    paths,
    unobserved,
    sent: sent.snapshot(),
    forgot,
    stats: engine.stats,
    counters: [...targets.values()].map((t) => t.sent),
    activeRules: engine.activeRules.map((r) => r.id),
    lag: [lag.percentile(50) / 1e6, lag.percentile(99) / 1e6, lag.max / 1e6],
    gc,
    heapUsed: getHeapStatistics().used_heap_size,
    rss: process.memoryUsage.rss(),
  });
  nObserved = 0;
  unobserved = 0;
  forgot = [];
}

function handle(m: ToLane): void {
  switch (m.t) {
    case 'samples':
      for (const s of m.samples) engine.onSample(s);
      return;
    case 'inference':
      return engine.onInference(m.row);
    case 'crowd':
      return engine.onCrowd(m.row);
    case 'pattern':
      return engine.onPattern(m.deviceKey, m.name, m.confidence);
    case 'cue':
      return engine.onCue(m.name, m.at);
    case 'beat':
      beats.beat(m.beat);
      return engine.onBeat(m.beat);
    case 'rules':
      return engine.setRules(m.rules);
    case 'forget':
      inputs.forget(m.deviceKey);
      forgot.push(m.deviceKey);
      return engine.forget(m.deviceKey);
    case 'consent':
      return inputs.setConsent(m.deviceKey, m.movement, m.biometrics);
    case 'slot':
      if (m.slot === null) slots.delete(m.deviceKey);
      else slots.set(m.deviceKey, m.slot);
      return;
    case 'event':
      currentEvent = m.id;
      return;
    case 'lag-reset':
      lag.reset();
      gc.fill(0);
      return;
    case 'stop':
      void stop();
      return;
    case 'init':
      return; // told once, at start
  }
}

async function stop(): Promise<void> {
  clearInterval(reporting);
  lag.disable();
  gcWatch.disconnect();
  await inputs.stop();
  dmx.cancelPending();
  for (const t of targets.values()) await t.stop();
  for (const o of dmx.outputs) await o.stop();
  report();
  // Once the last messages are out: closing the channel ends the process ('disconnect' above).
  process.send!({ t: 'stopped' } satisfies FromLane, () => process.disconnect());
}

health.report('lane', { type: 'subsystem', state: 'connected', detail: raisePriority(init.nice, init.fifoPriority) });

process.on('message', (m: ToLane) => {
  try {
    handle(m);
  } catch (err) {
    health.countError('lane', (err as Error).message);
  }
});
for (const t of targets.values()) t.start();
for (const o of dmx.outputs) o.start(new AbortController().signal);
const reporting = setInterval(report, REPORT_MS);
await inputs.start(new AbortController().signal);
flushHealth();
post({ t: 'ready' });
