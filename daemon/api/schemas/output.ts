/** Wire contracts of /api/v1/sound and /api/v1/visualization (events, presets, songs, samples). */
import { z } from '@hono/zod-openapi';
import type { Columns } from '../codec.js';
import { apiTime, columnsOf } from '../record-columns.js';
import { jsonObject, name, text } from '../openapi-common.js';
import { isoTime } from '../paging.js';

const ref = z.number().int().positive().nullable().optional();

const presetOutFields = {
  id: z.number().int(),
  name: z.string(),
  description: z.string().nullable(),
  parameters: z.record(z.string(), z.unknown()),
  created_at: apiTime,
  updated_at: apiTime,
};
/** How each preset column is converted between the store and the wire, read from its wire shape. */
export const presetColumns: Columns = columnsOf(z.object(presetOutFields));
export function presetSchemas(prefix: string) {
  const fields = { name, description: text.nullable().optional(), parameters: jsonObject.optional() };
  return {
    out: z.object(presetOutFields).openapi(`${prefix}Preset`),
    create: z.strictObject(fields).openapi(`${prefix}PresetCreate`),
    update: z.strictObject(fields).partial().openapi(`${prefix}PresetUpdate`),
  };
}

/** Sound and visualization events share a shape; only the type column's name differs. */
export function outputEventSchemas(
  prefix: string,
  typeColumn: 'sound_type' | 'viz_type',
  extra: 'movement_data_id' | undefined,
) {
  const fields = {
    event_id: ref,
    ...(extra ? { [extra]: ref } : {}),
    occurred_at: isoTime.optional().openapi({ description: 'default: now' }),
    [typeColumn]: z.string().min(1).max(50),
    parameters: jsonObject.optional(),
    duration_ms: z.number().int().min(0).max(86_400_000).nullable().optional(),
    intensity: z.number().min(0).max(1).nullable().optional(),
  };
  const out = z
    .object({
      id: z.number().int(),
      event_id: z.number().int().nullable(),
      ...(extra ? { [extra]: z.number().int().nullable() } : {}),
      occurred_at: apiTime,
      [typeColumn]: z.string(),
      parameters: z.record(z.string(), z.unknown()),
      duration_ms: z.number().int().nullable(),
      intensity: z.number().nullable(),
    })
    .openapi(`${prefix}Event`);
  return {
    columns: columnsOf(out),
    out,
    create: z.strictObject(fields).openapi(`${prefix}EventCreate`),
    update: z.strictObject(fields).partial().openapi(`${prefix}EventUpdate`),
  };
}

const status = z.enum(['pending', 'approved', 'rejected']);
export const songOut = z
  .object({
    id: z.number().int(),
    user_id: z.number().int(),
    event_id: z.number().int().nullable(),
    song_id: z.number().int().nullable().openapi({ description: 'the library song (GET /api/v1/songs/{id})' }),
    title: z.string(),
    artist: z.string().nullable(),
    duration_s: z.number().nullable(),
    audio_features: z.record(z.string(), z.unknown()),
    status,
    selected_at: apiTime,
    updated_at: apiTime,
  })
  .openapi('SongSelection');
/** How each column is converted between the store and the wire, read from `songOut`. */
export const songColumns: Columns = columnsOf(songOut);
const songFields = {
  user_id: z
    .number()
    .int()
    .positive()
    .optional()
    .openapi({ description: 'default: yourself (dancers may only choose for themselves)' }),
  event_id: ref,
  song_id: ref.openapi({ description: 'the library song, if it is in the library' }),
  title: name,
  artist: z.string().max(200).nullable().optional(),
  duration_s: z.number().min(0).max(7200).nullable().optional(),
  audio_features: jsonObject.optional().openapi({ example: { tempo_bpm: 128, key: 'A minor' } }),
};
export const songCreate = z.strictObject(songFields).openapi('SongSelectionCreate');
export const songUpdate = z
  .strictObject({ ...songFields, status: status.optional().openapi({ description: 'admin/technician only' }) })
  .partial()
  .openapi('SongSelectionUpdate');

export const sampleOut = z
  .object({
    id: z.number().int(),
    name: z.string(),
    category: z.string(),
    mime_type: z.string(),
    size_bytes: z.number().int(),
    duration_s: z.number().nullable(),
    sample_rate: z.number().int().nullable(),
    created_at: apiTime,
  })
  .openapi('SoundSample');
/** How each column is converted between the store and the wire, read from `sampleOut`. */
export const sampleColumns: Columns = columnsOf(sampleOut);
export const sampleUpload = z
  .object({
    file: z
      .custom<File>((v) => v instanceof File, { message: 'must be a file part named "file"' })
      .openapi({ type: 'string', format: 'binary' }),
    name,
    category: z.string().trim().min(1).max(50).openapi({ example: 'percussion' }),
    duration_s: z.coerce
      .number()
      .min(0)
      .max(3600)
      .optional()
      .openapi({ description: 'default: read from a WAV header' }),
    sample_rate: z.coerce
      .number()
      .int()
      .min(1000)
      .max(384_000)
      .optional()
      .openapi({ description: 'default: read from a WAV header' }),
  })
  .openapi('SoundSampleUpload');

export const outputSimulateIn = z
  .strictObject({
    event_id: z.number().int().positive(),
    window_s: z
      .number()
      .min(1)
      .max(600)
      .default(10)
      .openapi({ description: 'how far back to read the crowd movement' }),
  })
  .openapi('SimulateOutput');
