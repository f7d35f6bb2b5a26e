/**
 * Wire contracts of the technician's console: the state the console shows (one JSON object,
 * also sent once a second on the live stream) and the live stream's other events. The page
 * reads the same types (`import type`), so a field renamed here fails its type-check.
 */
import { z } from '@hono/zod-openapi';
import { componentHealthOut } from '../api/schemas/devices.js';
import { liveOut } from '../api/schemas/choreography.js';
import { activeOut, clockOut } from '../api/schemas/mapping.js';
import { playbackOut } from '../api/schemas/songs.js';
import { syncHealthSchema } from '../http/contracts.js';

export const consoleDevice = componentHealthOut
  .extend({
    device_id: z
      .number()
      .int()
      .nullable()
      .openapi({ description: 'the stored device (for assign/release); null for controllers' }),
    name: z.string(),
    transport: z.string().nullable(),
    dancer: z.object({ id: z.number().int(), username: z.string() }).nullable(),
    slot: z.number().int().nullable().openapi({
      description: 'the output slot its data goes out under (/codance/dancer/{slot}/…); null before it sends',
    }),
  })
  .openapi('ConsoleDevice');

export const oscTargetMonitor = z
  .object({
    name: z.string(),
    host: z.string(),
    port: z.number().int(),
    transport: z.string(),
    messages: z.number().int(),
    packets: z.number().int(),
    dropped: z.number().int(),
    messagesPerS: z.number(),
    latencyMs: z.object({
      n: z.number().int(),
      p50: z.number().nullable(),
      p95: z.number().nullable(),
      p99: z.number().nullable(),
      max: z.number().nullable(),
    }),
    last: z
      .array(
        z.object({
          address: z.string(),
          value: z.union([z.number(), z.boolean()]).nullable(),
          rule: z.string(),
          trigger: z.boolean(),
          at: z.number(),
          count: z.number().int(),
          addresses: z.number().int(),
        }),
      )
      .openapi({ description: 'per mapping rule, its last message; most recent first' }),
  })
  .openapi('OscTargetMonitor');

export const consoleState = z
  .object({
    at: z.number().openapi({ description: 'wall-clock ms of this snapshot' }),
    box: z.object({ name: z.string(), id: z.string() }),
    status: z.enum(['ok', 'degraded', 'down']),
    event: z.object({ id: z.number().int(), name: z.string() }).nullable(),
    devices: z.array(consoleDevice),
    subsystems: z.array(componentHealthOut),
    dancers: z
      .array(
        z.object({
          id: z.number().int(),
          username: z.string(),
          checked_in_at: z.string(),
          device: z.string().nullable(),
          slot: z.number().int().nullable().openapi({ description: 'the output slot they hold for the event' }),
        }),
      )
      .openapi({ description: 'checked in to the current event and not checked out' }),
    clock: clockOut.nullable(),
    osc: z.array(oscTargetMonitor),
    mapping: z.object({ active: activeOut, rules: z.number().int() }).nullable(),
    sync: syncHealthSchema.nullable(),
    playback: playbackOut.nullable(),
    live: liveOut.nullable(),
  })
  .openapi('ConsoleState');

export const crowdPoint = z.object({
  at: z.number(),
  active: z.number().int(),
  energy: z.number().nullable(),
  arousal: z.number().nullable(),
  beat_synchrony: z.number().nullable(),
  inter_synchrony: z.number().nullable(),
});

/** One reading of the chosen dancer; only the fields that this reading carries are set. */
export const vitalsPoint = z.object({
  at: z.number(),
  device: z.string(),
  hr: z.number().optional(),
  eda: z.number().optional(),
  movement: z
    .number()
    .optional()
    .openapi({ description: 'RMS of |acceleration| − 1 g over one delivered block, in g' }),
  arousal: z.number().optional(),
});

export const logLine = z.object({
  at: z.number(),
  kind: z.enum(['pattern', 'cue', 'device', 'mapping']),
  text: z.string(),
});

export type ConsoleState = z.output<typeof consoleState>;
export type ConsoleDevice = z.output<typeof consoleDevice>;
export type OscTargetView = z.output<typeof oscTargetMonitor>;
export type CrowdPoint = z.output<typeof crowdPoint>;
export type VitalsPoint = z.output<typeof vitalsPoint>;
export type LogLine = z.output<typeof logLine>;

/** The live stream's events (Server-Sent Events: `event:` name, `data:` JSON). */
export interface ConsoleStreamEvents {
  state: ConsoleState;
  crowd: CrowdPoint;
  vitals: VitalsPoint;
  log: LogLine;
}

export const doctorOut = z
  .object({
    rows: z.array(
      z.object({
        name: z.string(),
        fatal: z.boolean(),
        status: z.enum(['ok', 'warn', 'fail']),
        detail: z.string(),
        fix: z.string().optional(),
      }),
    ),
    blocking: z.boolean(),
  })
  .openapi('DoctorReport');
export type DoctorView = z.output<typeof doctorOut>;
