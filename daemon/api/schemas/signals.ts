/** Wire contracts of /api/v1/movement and /api/v1/biometrics. */
import { z } from '@hono/zod-openapi';
import type { Columns } from '../codec.js';
import { apiTime, columnsOf } from '../record-columns.js';
import { jsonObject, name, text } from '../openapi-common.js';
import { isoTime } from '../paging.js';

const id = z.number().int().positive();
const ref = id.nullable().optional();
const unit = z.number().min(0).max(1);

const coordinates = z.union([jsonObject, z.array(z.number()).max(1000)]).openapi({ example: { x: 3.2, y: 7.9 } });

export const movementOut = z
  .object({
    id: z.number().int(),
    event_id: z.number().int().nullable(),
    user_id: z.number().int().nullable(),
    device_id: z.number().int().nullable(),
    recorded_at: apiTime,
    data_type: z.string(),
    coordinates: z.unknown(),
    velocity: z.number().nullable(),
    acceleration: z.number().nullable(),
    crowd_density: z.number().nullable(),
    intensity: z.number().nullable(),
    source: z.enum(['sensor', 'api', 'sim']),
  })
  .openapi('MovementData');
/** How each column is converted between the store and the wire, read from `movementOut`. */
export const movementColumns: Columns = columnsOf(movementOut);

const movementFields = {
  event_id: ref,
  user_id: ref,
  device_id: ref,
  recorded_at: isoTime.optional().openapi({ description: 'default: now' }),
  data_type: z.string().min(1).max(50).openapi({ example: 'position' }),
  coordinates: coordinates.nullable().optional(),
  velocity: z.number().min(0).max(1000).nullable().optional().openapi({ description: 'm/s' }),
  acceleration: z.number().min(0).max(1000).nullable().optional().openapi({ description: 'm/s², gravity removed' }),
  crowd_density: z.number().min(0).max(100).nullable().optional().openapi({ description: 'dancers per m²' }),
  intensity: unit.nullable().optional(),
};
export const movementCreate = z.strictObject(movementFields).openapi('MovementDataCreate');
export const movementUpdate = z.strictObject(movementFields).partial().openapi('MovementDataUpdate');

export const patternOut = z
  .object({
    id: z.number().int(),
    name: z.string(),
    description: z.string().nullable(),
    pattern_data: z.record(z.string(), z.unknown()),
    created_at: apiTime,
    updated_at: apiTime,
  })
  .openapi('MovementPattern');
/** How each column is converted between the store and the wire, read from `patternOut`. */
export const patternColumns: Columns = columnsOf(patternOut);
export const patternExample = z
  .strictObject({
    rate_hz: z.number().min(1).max(1000).openapi({ example: 50 }),
    samples: z
      .array(z.tuple([z.number().min(-32).max(32), z.number().min(-32).max(32), z.number().min(-32).max(32)]))
      .min(16)
      .max(30_000)
      .openapi({ description: 'wrist acceleration in g, one [x, y, z] per sample' }),
  })
  .refine((e) => e.samples.length / e.rate_hz >= 0.5 && e.samples.length / e.rate_hz <= 30, {
    message: 'an example must last 0.5 to 30 s',
    path: ['samples'],
  })
  .openapi('MovementExample');
const patternFields = {
  name,
  description: text.nullable().optional(),
  pattern_data: jsonObject.optional(),
  examples: z.array(patternExample).min(1).max(50).optional().openapi({
    description:
      'teach the pattern by example: the box learns its prototype and detects it live (pattern_data is then written by the box)',
  }),
};
export const patternCreate = z.strictObject(patternFields).openapi('MovementPatternCreate');
export const patternUpdate = z.strictObject(patternFields).partial().openapi('MovementPatternUpdate');

export const detectedOut = z
  .object({
    id: z.number().int(),
    event_id: z.number().int().nullable(),
    pattern_id: z.number().int(),
    user_id: z.number().int().nullable(),
    detected_at: apiTime,
    confidence: z.number(),
  })
  .openapi('DetectedPattern');
/** How each column is converted between the store and the wire, read from `detectedOut`. */
export const detectedColumns: Columns = columnsOf(detectedOut);
const detectedFields = {
  event_id: ref,
  pattern_id: id,
  user_id: ref,
  detected_at: isoTime.optional(),
  confidence: unit,
};
export const detectedCreate = z.strictObject(detectedFields).openapi('DetectedPatternCreate');
export const detectedUpdate = z.strictObject(detectedFields).partial().openapi('DetectedPatternUpdate');

export const biometricOut = z
  .object({
    id: z.number().int(),
    user_id: z.number().int().nullable(),
    event_id: z.number().int().nullable(),
    device_id: z.number().int().nullable(),
    recorded_at: apiTime,
    stream_index: z.number().int().nullable(),
    heart_rate: z.number().nullable(),
    rr_1024: z
      .array(z.number())
      .nullable()
      .openapi({ description: 'RR intervals in 1/1024 s, as the Heart Rate Measurement sends them' }),
    sensor_contact: z.boolean(),
    energy_kj: z.number().nullable(),
    gsr_us: z.number().nullable(),
    skin_temp_c: z.number().nullable(),
    energy_level: z.number().nullable(),
    emotional_state: z.string().nullable(),
    source: z.enum(['sensor', 'api', 'sim']),
  })
  .openapi('BiometricData');
/** How each column is converted between the store and the wire, read from `biometricOut`. */
export const biometricColumns: Columns = columnsOf(biometricOut);
const biometricFields = {
  user_id: id.optional().openapi({ description: 'default: yourself (dancers may only give their own)' }),
  event_id: ref,
  device_id: ref,
  recorded_at: isoTime.optional().openapi({ description: 'default: now' }),
  heart_rate: z.number().min(20).max(250).nullable().optional().openapi({ description: 'bpm' }),
  rr_1024: z.array(z.number().int().min(1).max(65535)).max(600).nullable().optional(),
  gsr_us: z.number().min(0).max(100).nullable().optional().openapi({ description: 'skin conductance, µS' }),
  skin_temp_c: z.number().min(15).max(45).nullable().optional(),
  energy_level: unit.nullable().optional(),
  emotional_state: z.string().max(50).nullable().optional(),
};
export const biometricCreate = z.strictObject(biometricFields).openapi('BiometricDataCreate');
export const biometricUpdate = z.strictObject(biometricFields).partial().openapi('BiometricDataUpdate');

export const deviceOut = z
  .object({
    id: z.number().int(),
    device_key: z.string(),
    kind: z.enum(['wearable', 'haptic_controller']),
    transport: z.enum(['ble', 'serial', 'firmata', 'sim', 'replay']),
    model: z.string(),
    name: z.string(),
    is_active: z.boolean(),
    battery_pct: z.number().nullable(),
    last_seen_at: apiTime.nullable(),
    created_at: apiTime,
    updated_at: apiTime,
  })
  .openapi('Device');
/** How each column is converted between the store and the wire, read from `deviceOut`. */
export const deviceColumns: Columns = columnsOf(deviceOut);
const deviceFields = {
  device_key: z
    .string()
    .regex(
      /^[A-Za-z0-9:._-]{1,64}$/,
      'must be 1-64 letters, digits, ":", ".", "_" or "-" (a BLE address or serial path name)',
    )
    .openapi({ example: 'C8:1F:66:0A:12:34' }),
  kind: z.enum(['wearable', 'haptic_controller']),
  transport: z.enum(['ble', 'serial', 'firmata', 'sim', 'replay']),
  model: z.string().max(100).optional(),
  name: z.string().max(100).optional(),
  is_active: z.boolean().optional(),
};
export const deviceCreate = z.strictObject(deviceFields).openapi('DeviceCreate');
export const deviceUpdate = z.strictObject(deviceFields).partial().openapi('DeviceUpdate');

export const assignmentOut = z
  .object({
    id: z.number().int(),
    device_id: z.number().int(),
    user_id: z.number().int(),
    event_id: z.number().int().nullable(),
    assigned_at: apiTime,
    released_at: apiTime.nullable(),
  })
  .openapi('DeviceAssignment');
/** How each column is converted between the store and the wire, read from `assignmentOut`. */
export const assignmentColumns: Columns = columnsOf(assignmentOut);
export const assignIn = z.strictObject({ user_id: id, event_id: ref }).openapi('DeviceAssign');

export const simulateIn = z
  .strictObject({
    event_id: id,
    user_id: id.optional().openapi({ description: 'one dancer (biometrics: required); default: everyone registered' }),
    duration_s: z.number().min(1).max(3600).default(60).openapi({ description: 'the simulated stretch ends now' }),
    interval_ms: z.number().int().min(100).max(60_000).default(1000),
    dancers: z
      .number()
      .int()
      .min(1)
      .max(200)
      .optional()
      .openapi({ description: 'anonymous wristbands when nobody is registered (default 8)' }),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31)
      .default(1),
  })
  .refine((s) => ((s.duration_s * 1000) / s.interval_ms) * (s.dancers ?? 1) <= 200_000, {
    message: 'at most 200000 records per request',
    path: ['duration_s'],
  })
  .openapi('SimulateSignals');
export const simulateOut = z
  .object({
    event_id: z.number().int(),
    created: z.number().int(),
    from: z.string(),
    to: z.string(),
    dancers: z.number().int(),
  })
  .openapi('SimulateResult');
