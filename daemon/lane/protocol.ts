/**
 * What the main thread and the real-time lane tell each other. Both sides are this program
 * (one build, structured clone between them), so these are TypeScript types, not a wire
 * contract with outside peers.
 */
import type { Config } from '../../config/index.js';
import type { MappingRule } from '../../config/mapping.js';
import type { DeviceInfo, Sample } from '../../config/signals.js';
import type { HapticPulse } from '../../drivers/haptic.js';
import type { ComponentHealth } from '../../drivers/health/registry.js';
import type { CrowdRow, InferenceRow, OutputEventRow } from '../bus-events.js';
import type { BeatEvent } from '../clock/music-clock.js';
import type { MappingStats } from '../mapping/engine.js';
import type { SentSnapshot } from './sent-mirror.js';

export type HealthPatch = Partial<Omit<ComponentHealth, 'id' | 'updatedAt'>>;

export interface LaneInit {
  targets: Config['osc']['targets'];
  dmx: Config['dmx'];
  groups: Record<string, string>;
  hapticLeadMs: number;
  /** Haptic controllers by name with their channel count (they run on the main thread). */
  haptics: [name: string, channels: number][];
  midi: boolean;
  rules: MappingRule[];
  /** The simulated venue runs in the lane's process. */
  simulation: Config['simulation'];
  /** A nice value for the lane's process when the process may set it (see DECISIONS.md). */
  nice: number | null;
  /** SCHED_FIFO priority for the lane's process, when the process may set it. */
  fifoPriority: number | null;
}

/** Main → lane. */
export type ToLane =
  /** The first message: what the lane runs. */
  | { t: 'init'; init: LaneInit }
  | { t: 'samples'; samples: Sample[] }
  | { t: 'inference'; row: InferenceRow }
  | { t: 'crowd'; row: CrowdRow }
  | { t: 'pattern'; deviceKey: string; name: string; confidence: number }
  | { t: 'cue'; name: string; at?: number }
  | { t: 'beat'; beat: BeatEvent }
  | { t: 'rules'; rules: MappingRule[] }
  | { t: 'forget'; deviceKey: string }
  /** What a device's wearer allows, from the main thread's consent gate. */
  | { t: 'consent'; deviceKey: string; movement: boolean; biometrics: boolean }
  | { t: 'slot'; deviceKey: string; slot: number | null }
  | { t: 'event'; id: number | null }
  /** Starts the lane's event-loop delay histogram afresh. */
  | { t: 'lag-reset' }
  | { t: 'stop' };

/**
 * The outputs observed in the lane, six numbers each: output (0 osc, 1 dmx, 2 midi, 3 haptic),
 * kind (0 trigger, 1 continuous), the OSC target's index (-1 for none), origin (wall ms), the
 * origin's path (an index into `paths`), sent at (wall ms).
 */
export const OBSERVATION_SIZE = 6;

/** Lane → main. */
export type FromLane =
  | { t: 'ready' }
  | { t: 'stopped' }
  /** Samples of the lane's own drivers, for the main thread's bus (store, pipeline, console). */
  | { t: 'samples'; samples: Sample[] }
  | { t: 'device'; device: DeviceInfo }
  /** Health patches since the last, merged per component (each band reports at every notification). */
  | { t: 'health'; patches: [id: string, patch: HealthPatch][] }
  | { t: 'error'; id: string; reason: string }
  | { t: 'record'; row: OutputEventRow }
  | { t: 'haptic'; controller: string; pulse: HapticPulse }
  | { t: 'midi'; kind: 'cc'; channel: number; number: number; value: number }
  | { t: 'midi'; kind: 'note'; channel: number; number: number; value: number; durationMs: number; atMs?: number }
  | {
      t: 'report';
      observations: Float64Array;
      paths: string[];
      /** Observations that did not fit between two reports. */
      unobserved: number;
      /** What was sent since the last report (OSCQuery values, LISTEN and the console read it). */
      sent: SentSnapshot;
      /** Devices the lane has forgotten since the last report: later reports hold nothing of theirs from before. */
      forgot: string[];
      stats: MappingStats;
      /** Each OSC target's counters, in `targets` order. */
      counters: { messages: number; packets: number; dropped: number }[];
      activeRules: string[];
      /** The lane's event-loop delay since the last reset (ms): p50, p99, max. */
      lag: [p50: number, p99: number, max: number];
      /** The lane's garbage collections since the last reset: count and longest pause (ms), minor and major. */
      gc: [minor: number, minorMaxMs: number, major: number, majorMaxMs: number];
      /** Bytes in use on the lane's own V8 heap. */
      heapUsed: number;
      /** The lane process's resident memory. */
      rss: number;
    };
