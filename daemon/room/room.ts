/**
 * Driving the room: the music clock, the mapping rules and every output they drive (OSC
 * targets, MIDI out, haptic cues, sound/visualization records), OSC in, and OSCQuery with its
 * mDNS advertisement. Built by the daemon after the hardware; talks to the rest only through
 * the bus. One lifecycle: nothing opens before `start`, `stop` releases everything.
 */
import { LivePlayer } from '../choreography/live-player.js';
import { Gauge, Histogram, Registry } from 'prom-client';
import type { Config } from '../../config/index.js';
import type { HapticOutput } from '../../drivers/haptic.js';
import type { HealthReporter } from '../../drivers/health/registry.js';
import { AudioClockDriver } from '../../drivers/media/audio-clock-driver.js';
import { MidiOutDriver } from '../../drivers/midi/midi-out-driver.js';
import type { OpenMidiOutput } from '../../drivers/midi/binding.js';
import type { OscInDriver } from '../../drivers/osc/osc-in.js';
import type { Origin } from '../../drivers/osc/osc-target.js';
import type { Bus } from '../bus.js';
import { MusicClock, realTimebase, type ClockTimebase } from '../clock/music-clock.js';
import type { RunningServer } from '../http/server.js';
import type { Teardowns } from '../lifecycle.js';
import type { Logger } from '../logger.js';
import { Lane } from '../lane/lane.js';
import { FixturePatch } from '../../models/lighting/fixture-patch.js';
import { LiveMapping } from '../mapping/live-mapping.js';
import { TargetLatency } from './target-latency.js';
import { commandListener } from '../osc/command-listener.js';
import { startOscQuery } from '../osc/query-service.js';
import { querySource } from './query-source.js';
import { Playback } from '../playback/playback.js';
import type { OutputEventRow } from '../bus-events.js';
import type { Store } from '../store/store.js';
import type { SlotList } from '../store/slots.js';

export interface RoomDeps {
  config: Config;
  bus: Bus;
  health: HealthReporter;
  log: Logger;
  store: Store;
  haptics: ReadonlyMap<string, HapticOutput>;
  /** The simulated venue's tempo, when one runs: the clock's fallback follows it. */
  venueBpm?: () => number;
  currentEvent: () => number | null;
  time?: ClockTimebase;
  openMidiOutput?: OpenMidiOutput;
}

/** Sub-millisecond to 0.25 s: triggers should sit in the lowest buckets. */
/** How often the lane is told the current event (its output records carry it). */
const EVENT_POLL_MS = 1000;
const LATENCY_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25];

export class Room {
  readonly clock: MusicClock;
  /** The mapping rules and their OSC / DMX sockets, in the real-time lane's process. */
  readonly engine: Lane;
  readonly mapping: LiveMapping;
  /** The fixture patch (the lane drives its sACN / Art-Net outputs). */
  readonly patch: FixturePatch;
  readonly metrics = new Registry();
  readonly oscIn: OscInDriver | undefined;
  readonly midiOut: MidiOutDriver | undefined;
  readonly audio: AudioClockDriver | undefined;
  readonly playback: Playback;
  /** A blueprint played live against the clock, as cues for the mapping rules. */
  readonly live: LivePlayer;
  /** How late each OSC target's messages left (the console's OSC monitor reads it). */
  readonly targetLatency = new TargetLatency();
  /** Told of every OSC send with its origin (the loaded bench matches them to a receiver's stamps). */
  outputTap: ((target: string, kind: 'trigger' | 'continuous', origin: Origin, sentAt: number) => void) | undefined;
  private readonly latency: Histogram<'output' | 'kind' | 'path'>;
  private query: RunningServer | undefined;
  private readonly time: ClockTimebase;

  constructor(private readonly deps: RoomDeps) {
    const { config, bus, health } = deps;
    this.time = deps.time ?? realTimebase;
    this.latency = new Histogram({
      name: 'codance_output_latency_seconds',
      help: 'sample arrival (or crowd tick, detection, cue) to the moment the output is handed to its socket or driver',
      labelNames: ['output', 'kind', 'path'],
      buckets: LATENCY_BUCKETS,
      registers: [this.metrics],
    });
    const clockOf = () => this.clock;
    new Gauge({
      name: 'codance_clock_bpm',
      help: "the music clock's tempo, labelled with the source it follows",
      labelNames: ['source'],
      registers: [this.metrics],
      collect() {
        this.reset();
        const s = clockOf().snapshot();
        this.set({ source: s.source }, s.bpm);
      },
    });
    new Gauge({
      name: 'codance_lane_heap_used_bytes',
      help: "bytes in use on the real-time lane's own V8 heap",
      registers: [this.metrics],
      collect() {
        this.set(laneOf().heapUsed);
      },
    });
    new Gauge({
      name: 'codance_lane_resident_memory_bytes',
      help: "the real-time lane process's resident memory (the box's is this and the daemon's)",
      registers: [this.metrics],
      collect() {
        this.set(laneOf().rss);
      },
    });
    new Gauge({
      name: 'codance_lane_loop_delay_p99_seconds',
      help: "the real-time lane's event-loop delay, p99 since it started",
      registers: [this.metrics],
      collect() {
        this.set(laneOf().lag.p99 / 1000);
      },
    });
    const laneOf = () => this.engine;
    const observe = (output: string, kind: string, origin: Origin, sentAt: number): void =>
      this.latency.observe({ output, kind, path: origin.path }, Math.max(0, sentAt - origin.at) / 1000);

    const c = config.clock;
    this.clock = new MusicClock(
      {
        mode: c.source,
        bpm: deps.venueBpm?.() ?? c.bpm,
        beatsPerBar: c.beatsPerBar,
        beatsPerPhrase: c.beatsPerPhrase,
        staleMs: c.staleMs,
        lookaheadMs: c.lookaheadMs,
        hold: c.hold,
      },
      (beat) => bus.emit('beat', beat),
      this.time,
    );
    // The simulated venue dances on beats at whole multiples of its period since the epoch.
    if (deps.venueBpm) this.clock.setFallback(deps.venueBpm(), 0);

    if (c.audio.input) {
      this.audio = new AudioClockDriver(
        { input: c.audio.input, inputOptions: c.audio.inputOptions, retryMs: c.audio.retryMs },
        health,
        {
          tempo: (bpm) => this.clock.setTempo(bpm, 'audio'),
          beat: (at) => this.clock.beatAt(at, 'audio'),
        },
      );
    }
    this.live = new LivePlayer(deps.bus);
    this.playback = new Playback(
      { outputArgs: config.playback.output, latencyMs: config.playback.latencyMs, beatsPerPhrase: c.beatsPerPhrase },
      this.clock,
      health,
      () => this.time.now(),
    );
    const midiPort = config.midi.out.port;
    if (midiPort)
      this.midiOut = new MidiOutDriver(
        { port: midiPort, retryMs: config.midi.out.retryMs },
        health,
        deps.openMidiOutput,
        this.time,
      );

    this.patch = new FixturePatch(config.dmx.fixtures);
    this.engine = new Lane(
      {
        config,
        health,
        haptics: deps.haptics,
        midiOut: this.midiOut,
        record: (row: OutputEventRow) => deps.store.writeDerived({ t: 'output', row }),
        sample: (s) => bus.emit('sample', s),
        device: (d) => bus.emit('device', d),
        observe: (output, kind, target, origin, sentAt) => {
          observe(output, kind, origin, sentAt);
          if (target === undefined) return;
          this.targetLatency.record(target, Math.max(0, sentAt - origin.at));
          this.outputTap?.(target, kind, origin, sentAt);
        },
        now: () => this.time.now(),
      },
      [],
    );
    this.mapping = new LiveMapping(config.mapping, deps.store.sqlite, (rules, active) => {
      this.engine.setRules(rules);
      bus.emit('mapping', { active, rules: rules.length });
    });

    if (config.osc.in.port > 0) {
      this.oscIn = commandListener(config.osc.in, health, deps.log, {
        clock: this.clock,
        mapping: this.mapping,
        haptics: deps.haptics,
        now: () => this.time.now(),
      });
    }
  }

  /**
   * Starts every part of the room, registering each one's teardown with the daemon's as it is
   * taken (one lifecycle: the daemon's `Teardowns` bounds each step and runs them in reverse).
   */
  async start(signal: AbortSignal, teardowns: Teardowns): Promise<void> {
    const { config, bus, log } = this.deps;
    const e = this.engine;
    const subscriptions = [
      bus.on('sample', (s) => e.onSample(s), { first: true }),
      bus.on('sample', (s) => {
        const { slots, consent } = this.deps.store;
        e.learn(
          s.deviceKey,
          slots.slotOf(s.deviceKey),
          consent.movement(s.deviceKey, 0),
          consent.biometrics(s.deviceKey, 0),
        );
      }),
      bus.on('inference', (row) => e.onInference(row)),
      bus.on('crowd', (row) => e.onCrowd(row)),
      bus.on('pattern', (row) => e.onPattern(row.deviceKey, row.name, row.confidence)),
      bus.on('cue', (cue) => e.onCue(cue.name, cue.at)),
      bus.on('beat', (beat) => {
        e.onBeat(beat);
        if (config.midi.out.clock) this.midiOut?.clockBeat(beat.at, 60_000 / beat.bpm);
        const bpm = this.deps.venueBpm?.();
        if (bpm !== undefined && bpm !== this.clock.snapshot().bpm) this.clock.setFallback(bpm);
      }),
      bus.on('clock', (m) => {
        switch (m.type) {
          case 'tempo':
            this.clock.setTempo(m.bpm, 'midi');
            return;
          case 'beat':
            this.clock.beatAt(m.atMs, 'midi', (m.beat % config.clock.beatsPerPhrase) + 1);
            return;
          case 'stop':
            this.midiOut?.clockStop();
            this.clock.transport(m.type, m.atMs, 'midi');
            return;
          case 'start':
          case 'continue':
            this.clock.transport(m.type, m.atMs, 'midi');
        }
      }),
    ];
    await teardowns.start(e, signal);
    let event: number | null | undefined;
    const followEvent = (): void => {
      const now = this.deps.currentEvent();
      if (now !== event) e.currentEvent((event = now));
    };
    followEvent();
    const following = setInterval(followEvent, EVENT_POLL_MS);
    teardowns.add('lane:event', () => clearInterval(following));
    for (const service of [this.midiOut, this.audio, this.oscIn, this.clock])
      if (service) await teardowns.start(service, signal);
    this.query = await startOscQuery(
      config,
      querySource(config, this, this.deps.store),
      this.engine.sent,
      this.deps.health,
      teardowns,
    );
    log.info(
      {
        rules: this.engine.activeRules.length,
        restoredFrom: this.mapping.restoredFrom,
        targets: config.osc.targets.map((t) => t.name),
        oscIn: this.oscIn?.port ?? null,
        oscQuery: this.query?.port ?? null,
      },
      'room outputs started',
    );
    // Stopped first: what plays, and what feeds the outputs.
    teardowns.add('playback', async () => {
      await this.playback.stop();
    });
    teardowns.add('choreography-live', () => {
      this.live.stop();
    });
    teardowns.add('room:bus', () => subscriptions.forEach((off) => off()));
  }

  /** The dancer slots of the current event (or the floor), with who holds each. */
  readonly slots = (): SlotList => this.deps.store.slots.list();

  /** The OSCQuery HTTP port actually bound. */
  get queryPort(): number | undefined {
    return this.query?.port;
  }
}
