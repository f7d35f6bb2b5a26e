/**
 * The box's MQTT contract: topics and payload schemas (one zod schema per message), shared
 * by the box and anything that talks to it (the cloud, a venue's control system, the tests).
 * Topics live under `<prefix>/<box>/`:
 *
 * | topic | direction | retained | payload |
 * |---|---|---|---|
 * | `status` | box → | yes | `presence` (`online`, or `offline` as the last will) |
 * | `cmd/<command>` | → box | no | `command`, signed (user property `signature`) |
 * | `ack` | box → | no | `ack` (or to the command's MQTT 5 response topic), with its correlation data |
 * | `telemetry/crowd` | box → | no | `crowdTelemetry`, 1 Hz while the pipeline runs (QoS 0: a late crowd state is worthless) |
 * | `telemetry/health` | box → | yes | `healthTelemetry`, on every change and every 10 s |
 * | `telemetry/sync` | box → | yes | `syncTelemetry`, every 10 s |
 */
import { z } from 'zod';

export const topics = (prefix: string, box: string) => {
  const base = `${prefix}/${box}`;
  return {
    status: `${base}/status`,
    commands: `${base}/cmd/+`,
    command: (name: string) => `${base}/cmd/${name}`,
    ack: `${base}/ack`,
    crowd: `${base}/telemetry/crowd`,
    health: `${base}/telemetry/health`,
    sync: `${base}/telemetry/sync`,
  };
};

export const presence = z.object({
  state: z.enum(['online', 'offline']),
  box: z.string(),
  version: z.string(),
  /** ISO time the state was published (the last will carries the connect time). */
  at: z.string(),
});
export type Presence = z.infer<typeof presence>;

export const presetSwitchArgs = z.strictObject({
  kind: z.enum(['sound', 'visualization']),
  /** The preset's name, or null for none. */
  name: z.string().min(1).max(100).nullable(),
});

export const eventArgs = z.strictObject({
  /** The box's event id (GET /api/v1/events). */
  event_id: z.number().int().positive(),
});

/** Every remote command, by name; its `args` schema. */
export const commandArgs = {
  'preset.switch': presetSwitchArgs,
  /** Starts the event now (its start time becomes now; it becomes the box's current event). */
  'event.start': eventArgs,
  /** Ends the event now. */
  'event.stop': eventArgs,
} as const;
export type CommandName = keyof typeof commandArgs;
export const commandNames = Object.keys(commandArgs) as CommandName[];

export const command = z.strictObject({
  /** Unique per command: a redelivered command with the same id is answered again, not run again. */
  id: z.string().min(8).max(100),
  command: z.string().min(1).max(100),
  args: z.record(z.string(), z.unknown()).default({}),
  /** ISO time with offset; commands far from the box's clock are refused (replay protection). */
  issued_at: z.iso.datetime({ offset: true }),
});
export type Command = z.infer<typeof command>;

export const ack = z.object({
  /** The command's id (null when the payload could not be read at all). */
  id: z.string().nullable(),
  command: z.string().nullable(),
  ok: z.boolean(),
  result: z.unknown().optional(),
  error: z
    .object({ code: z.enum(['invalid', 'unauthorized', 'stale', 'unknown_command', 'failed']), message: z.string() })
    .optional(),
  at: z.string(),
});
export type Ack = z.infer<typeof ack>;

export const crowdTelemetry = z.object({
  at: z.string(),
  event_id: z.number().int().nullable(),
  bpm: z.number().nullable(),
  active_dancers: z.number().int(),
  energy: z.number().nullable(),
  arousal: z
    .object({ mean: z.number(), p10: z.number(), p50: z.number(), p90: z.number(), high_share: z.number() })
    .nullable(),
  beat_synchrony: z.number().nullable(),
  inter_synchrony: z.number().nullable(),
  density: z.number().nullable(),
});
export type CrowdTelemetry = z.infer<typeof crowdTelemetry>;

export const healthTelemetry = z.object({
  at: z.string(),
  status: z.enum(['ok', 'degraded', 'down']),
  components: z.array(
    z.object({
      id: z.string(),
      type: z.string(),
      state: z.string(),
      detail: z.string().optional(),
      battery_percent: z.number().optional(),
    }),
  ),
});
export type HealthTelemetry = z.infer<typeof healthTelemetry>;

export const syncTelemetry = z.object({
  at: z.string(),
  state: z.string(),
  backlog_entries: z.number().int(),
  backlog_bytes: z.number().int(),
  oldest_unsent_age_s: z.number().nullable(),
  last_success_at: z.string().nullable(),
  last_error: z.string().nullable(),
});
export type SyncTelemetry = z.infer<typeof syncTelemetry>;
