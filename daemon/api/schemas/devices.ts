/** Wire contracts of /api/v1/devices: live device health and haptic test pulses. */
import { z } from '@hono/zod-openapi';
import { HAPTIC_PATTERNS } from '../../../drivers/haptic.js';

const state = z.enum(['starting', 'connected', 'retrying', 'error', 'stopped', 'unavailable']);

export const componentHealthOut = z
  .object({
    id: z.string().openapi({ example: 'a0:9e:1a:00:8c:4e' }),
    type: z.enum(['device', 'subsystem']),
    state,
    detail: z.string().nullable().openapi({ example: 'Polar H10: 4 characteristics' }),
    last_sample_at: z.string().nullable().openapi({ description: 'ISO time of the last sample (devices)' }),
    last_sample_age_ms: z
      .number()
      .nullable()
      .openapi({ description: 'ms since the last sample, at the time of the response' }),
    battery_percent: z.number().nullable(),
    rssi: z.number().nullable().openapi({ description: 'dBm' }),
    reconnects: z.number().int().openapi({ description: 'times it came back after having been connected' }),
    errors: z.record(z.string(), z.number()).openapi({
      description: 'rejected payloads, drops and failures by reason',
      example: { invalid_heart_rate: 2, disconnected: 1 },
    }),
    last_error: z.string().nullable(),
    updated_at: z.string(),
  })
  .openapi('ComponentHealth');

export const devicesHealthOut = z
  .object({
    devices: z.array(componentHealthOut),
    subsystems: z.array(componentHealthOut),
    by_state: z.record(z.string(), z.number()).openapi({ example: { connected: 24, retrying: 1 } }),
  })
  .openapi('DevicesHealth');

export const hapticNameParam = z.object({
  name: z
    .string()
    .min(1)
    .max(63)
    .openapi({ param: { name: 'name', in: 'path' }, example: 'floor' }),
});

export const hapticPulseIn = z
  .strictObject({
    channel: z.number().int().min(0).max(254),
    pattern: z.enum(HAPTIC_PATTERNS).default('constant'),
    intensity: z.number().min(0).max(1).default(0.8),
    duration_ms: z.number().int().min(1).max(10_000).default(200),
  })
  .openapi('HapticPulse');

export const hapticPulseOut = z
  .object({ ok: z.literal(true), latency_ms: z.number(), attempts: z.number().int() })
  .openapi('HapticPulseResult');

export const hapticControllersOut = z
  .object({ controllers: z.array(z.object({ name: z.string(), channels: z.number().int(), state: state.nullable() })) })
  .openapi('HapticControllers');
