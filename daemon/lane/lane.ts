/**
 * The real-time lane seen from the main thread: a child process running the mapping engine and
 * its OSC / DMX sockets (lane-process.ts), fed by messages. Samples are handed over as the
 * driver delivers them, gathered per burst (one message per driver callback); what the lane
 * reports back every 100 ms (latencies, what was sent, counters) is kept here for the API, the
 * console, OSCQuery and `/metrics`. Haptic and MIDI commands the lane makes are carried out here.
 */
import type { ChildProcess } from 'node:child_process';
import type { Config } from '../../config/index.js';
import type { MappingRule } from '../../config/mapping.js';
import type { DeviceInfo, Sample } from '../../config/signals.js';
import type { HapticOutput } from '../../drivers/haptic.js';
import type { HealthReporter } from '../../drivers/health/registry.js';
import type { MidiOutDriver } from '../../drivers/midi/midi-out-driver.js';
import type { Origin } from '../../drivers/osc/osc-target.js';
import type { CrowdRow, InferenceRow, OutputEventRow } from '../bus-events.js';
import type { BeatEvent } from '../clock/music-clock.js';
import { dancerSignal, type MappingStats } from '../mapping/engine.js';
import { SentValues } from '../mapping/sent-values.js';
import { SentMirror } from './sent-mirror.js';
import { OBSERVATION_SIZE, type FromLane, type LaneInit, type ToLane } from './protocol.js';
import { startLaneProcess } from './spawn.js';

const READY_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 1000;
const OUTPUT_NAMES = ['osc', 'dmx', 'midi', 'haptic'] as const;
export type LaneOutput = (typeof OUTPUT_NAMES)[number];

export interface LaneDeps {
  config: Config;
  health: HealthReporter;
  haptics: ReadonlyMap<string, HapticOutput>;
  midiOut: MidiOutDriver | undefined;
  record(row: OutputEventRow): void;
  /** Samples and devices of the lane's own drivers, onto the main thread's bus. */
  sample(s: Sample): void;
  device(d: DeviceInfo): void;
  /** Each output the lane made, with its origin and when it left (wall ms). */
  observe(
    output: LaneOutput,
    kind: 'trigger' | 'continuous',
    target: string | undefined,
    origin: Origin,
    sentAt: number,
  ): void;
  now(): number;
}

export class Lane {
  readonly name = 'lane';
  /** What the rules last sent, as the lane last reported it. */
  readonly sent: SentValues;
  private readonly mirror: SentMirror;
  stats: MappingStats = { fired: 0, values: 0, dropped: 0 };
  /** The lane's event-loop delay since `resetLag` (ms), as last reported. */
  lag = { p50: 0, p99: 0, max: 0 };
  /** Its garbage collections since `resetLag`: counts and longest pauses (ms). */
  gc = { minor: 0, minorMaxMs: 0, major: 0, majorMaxMs: 0 };
  /** Bytes in use on the lane's V8 heap (the main thread's is in the default metrics). */
  heapUsed = 0;
  /** The lane process's resident memory (the box's is the daemon's and this together). */
  rss = 0;
  private child: ChildProcess | undefined;
  private rules: MappingRule[];
  private pending: Sample[] = [];
  private readonly slots = new Map<string, number | null>();
  private readonly consent = new Map<string, number>();
  private relaying = false;
  /** Devices forgotten here that the lane has not yet said it forgot. */
  private readonly forgotten = new Set<string>();
  private readonly counters = new Map<string, { messages: number; packets: number; dropped: number }>();
  private stopping: Promise<void> | undefined;
  private onStopped: (() => void) | undefined;

  constructor(
    private readonly deps: LaneDeps,
    rules: MappingRule[],
  ) {
    this.rules = rules;
    this.sent = new SentValues(() => deps.now());
    this.mirror = new SentMirror(this.sent);
  }

  async start(_signal?: AbortSignal): Promise<void> {
    const { config } = this.deps;
    const init: LaneInit = {
      targets: config.osc.targets,
      dmx: config.dmx,
      groups: config.mapping.groups,
      hapticLeadMs: config.haptics.leadMs,
      haptics: [...this.deps.haptics].map(([name, h]) => [name, h.channels]),
      midi: this.deps.midiOut !== undefined,
      rules: this.rules,
      simulation: config.simulation,
      nice: config.lane.nice,
      fifoPriority: config.lane.fifoPriority,
    };
    const child = startLaneProcess();
    this.child = child;
    child.send({ t: 'init', init } satisfies ToLane);
    child.on('error', (err) => {
      this.deps.health.report('lane', { type: 'subsystem', state: 'error', lastError: err.message });
    });
    let exited: (why: string) => void = () => undefined;
    child.on('exit', (code, signal) => {
      this.child = undefined;
      this.onStopped?.();
      const why = `the real-time lane's process exited (${signal ?? `code ${code}`}); outputs stopped`;
      exited(why);
      // Outputs are down until the daemon restarts: say so where the technician looks.
      if (!this.stopping) this.deps.health.report('lane', { type: 'subsystem', state: 'error', lastError: why });
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the real-time lane did not start')), READY_TIMEOUT_MS);
      exited = (why) => {
        clearTimeout(timer);
        reject(new Error(why));
      };
      child.on('message', (m: FromLane) => {
        if (m.t === 'ready') {
          clearTimeout(timer);
          exited = () => undefined;
          resolve();
        } else this.handle(m);
      });
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  /** Idempotent; the lane sends its last report, closes its sockets and exits (bounded). */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const child = this.child;
      if (!child) return;
      const stopped = new Promise<void>((r) => (this.onStopped = r));
      this.post({ t: 'stop' });
      await Promise.race([stopped, new Promise((r) => setTimeout(r, STOP_TIMEOUT_MS))]);
      if (this.child) {
        child.kill('SIGKILL');
        await stopped;
      }
      this.deps.health.report('lane', { type: 'subsystem', state: 'stopped' });
    })();
    return this.stopping;
  }

  private post(m: ToLane): void {
    if (this.child?.connected) this.child.send(m);
  }

  /**
   * A sample, as its driver delivered it. The samples of one driver callback go over together,
   * at the end of that callback (a microtask), before anything else the bus does with them.
   */
  onSample(s: Sample): void {
    // The lane's own samples, back on the main thread's bus: it has them already.
    if (this.relaying) return;
    // Only what dancer rules read: accelerometer blocks and the signals the registry maps.
    if (dancerSignal(s) === undefined) return;
    if (this.pending.length === 0) queueMicrotask(this.flush);
    this.pending.push(s);
  }

  private readonly flush = (): void => {
    const samples = this.pending;
    this.pending = [];
    this.post({ t: 'samples', samples });
  };

  /**
   * What the main thread knows of a device whose sample passed the consent gate: its slot and
   * what its wearer allows. Told to the lane when it changes.
   */
  learn(deviceKey: string, slot: number | undefined, movement: boolean, biometrics: boolean): void {
    const now = slot ?? null;
    if (this.slots.get(deviceKey) !== now) {
      this.slots.set(deviceKey, now);
      this.post({ t: 'slot', deviceKey, slot: now });
    }
    const allows = (movement ? 1 : 0) + (biometrics ? 2 : 0);
    if (this.consent.get(deviceKey) !== allows) {
      this.consent.set(deviceKey, allows);
      this.post({ t: 'consent', deviceKey, movement, biometrics });
    }
  }

  currentEvent(id: number | null): void {
    this.post({ t: 'event', id });
  }

  onInference(row: InferenceRow): void {
    this.post({ t: 'inference', row });
  }

  onCrowd(row: CrowdRow): void {
    this.post({ t: 'crowd', row });
  }

  onPattern(deviceKey: string, name: string, confidence: number): void {
    this.post({ t: 'pattern', deviceKey, name, confidence });
  }

  onCue(name: string, at?: number): void {
    this.post({ t: 'cue', name, ...(at === undefined ? {} : { at }) });
  }

  onBeat(beat: BeatEvent): void {
    this.post({ t: 'beat', beat });
  }

  setRules(rules: MappingRule[]): void {
    this.rules = rules;
    this.post({ t: 'rules', rules });
  }

  get activeRules(): readonly MappingRule[] {
    return this.rules;
  }

  /** Forgets a dancer's device here and in the lane (a withdrawn consent). */
  forget(deviceKey: string): void {
    this.sent.forget(deviceKey);
    this.consent.delete(deviceKey);
    this.forgotten.add(deviceKey);
    this.post({ t: 'forget', deviceKey });
  }

  resetLag(): void {
    this.post({ t: 'lag-reset' });
  }

  /** What one OSC target has sent, as last reported. */
  targetCounters(name: string): { messages: number; packets: number; dropped: number } {
    return { ...(this.counters.get(name) ?? { messages: 0, packets: 0, dropped: 0 }) };
  }

  private handle(m: FromLane): void {
    const { deps } = this;
    switch (m.t) {
      case 'health':
        for (const [id, patch] of m.patches) deps.health.report(id, patch);
        return;
      case 'error':
        return deps.health.countError(m.id, m.reason);
      case 'record':
        return deps.record(m.row);
      case 'samples':
        this.relaying = true;
        try {
          for (const s of m.samples) deps.sample(s);
        } finally {
          this.relaying = false;
        }
        return;
      case 'device':
        return deps.device(m.device);
      case 'haptic':
        void deps.haptics.get(m.controller)?.pulse(m.pulse);
        return;
      case 'midi':
        if (m.kind === 'cc') deps.midiOut?.cc(m.channel, m.number, m.value);
        else deps.midiOut?.note(m.channel, m.number, m.value, m.durationMs, m.atMs);
        return;
      case 'report': {
        const names = deps.config.osc.targets.map((t) => t.name);
        const o = m.observations;
        for (let i = 0; i < o.length; i += OBSERVATION_SIZE)
          deps.observe(
            OUTPUT_NAMES[o[i]!]!,
            o[i + 1] === 0 ? 'trigger' : 'continuous',
            names[o[i + 2]!],
            { at: o[i + 3]!, path: m.paths[o[i + 4]!]! },
            o[i + 5]!,
          );
        if (m.unobserved > 0) deps.health.countError('lane', 'unobserved');
        // A report the lane made before it forgot a device may still carry that device's values.
        this.mirror.apply(m.sent, this.forgotten);
        for (const key of m.forgot) this.forgotten.delete(key);
        this.stats = m.stats;
        this.lag = { p50: m.lag[0], p99: m.lag[1], max: m.lag[2] };
        this.gc = { minor: m.gc[0], minorMaxMs: m.gc[1], major: m.gc[2], majorMaxMs: m.gc[3] };
        this.heapUsed = m.heapUsed;
        this.rss = m.rss;
        m.counters.forEach((c, i) => this.counters.set(names[i]!, c));
        return;
      }
      case 'ready':
      case 'stopped':
        return;
    }
  }
}
