/** Wire contracts of /api/v1/songs (the song library) and /api/v1/playback. */
import { z } from '@hono/zod-openapi';
import type { Columns } from '../codec.js';
import { apiTime, columnsOf } from '../record-columns.js';
import { name } from '../openapi-common.js';

/** Every column but the audio and the analysis (which can be long). */
export const songMeta = [
  'id',
  'title',
  'artist',
  'mime_type',
  'size_bytes',
  'sha256',
  'duration_s',
  'tempo',
  'created_at',
  'updated_at',
] as const;

const songFields = {
  id: z.number().int(),
  title: z.string(),
  artist: z.string().nullable(),
  mime_type: z.string(),
  size_bytes: z.number().int(),
  sha256: z.string(),
  duration_s: z.number(),
  tempo: z.number().nullable().openapi({ description: 'beats per minute; null when no steady beat was found' }),
  created_at: apiTime,
  updated_at: apiTime,
};
export const songOut = z.object(songFields).openapi('Song');
/** How each column is converted between the store and the wire, read from `songOut`. */
export const songColumns: Columns = columnsOf(songOut);

export const analysisOut = z
  .object({
    version: z.number().int(),
    durationS: z.number(),
    tempo: z.number().nullable(),
    tempoConfidence: z.number().min(0).max(1).optional().openapi({
      description:
        "how sure the count is of its metrical level: the chosen level's evidence over it and the best octave's together (0.5: either as likely)",
    }),
    alternativeTempo: z
      .object({ bpm: z.number(), relation: z.enum(['half', 'double']) })
      .nullable()
      .optional()
      .openapi({ description: 'the octave a listener may count instead (half or double time), when in range' }),
    octave: z
      .union([z.literal(-1), z.literal(1)])
      .optional()
      .openapi({ description: 'counted an octave slower (-1) or faster (1) than heard, by choice; absent: as heard' }),
    beats: z.array(z.number()).openapi({ description: 'beat times, seconds from the start' }),
    firstCountBeat: z.number().int().openapi({ description: 'index in beats of a beat that counts 1 of the 8-count' }),
    style: z
      .enum(['any', 'bachata'])
      .optional()
      .openapi({ description: 'the tempo prior the analysis used (version 2+)' }),
    downbeats: z.array(z.number()).optional().openapi({ description: 'the "1" of each 4/4 bar, seconds (version 2+)' }),
    phrases: z
      .array(z.number())
      .optional()
      .openapi({ description: 'the "1" of each 8-count phrase, seconds (version 2+)' }),
    sections: z
      .array(
        z.object({
          start: z.number(),
          end: z.number(),
          label: z.enum(['intro', 'verse', 'chorus', 'break', 'outro']),
          bachata: z.enum(['derecho', 'majao']).optional(),
          energy: z.number(),
        }),
      )
      .optional()
      .openapi({ description: 'intro, verse (derecho), chorus (majao), break, outro; energy 0..1 (version 2+)' }),
    energy: z
      .object({ stepS: z.number(), values: z.array(z.number()) })
      .optional()
      .openapi({ description: 'loudness 0..1 every stepS seconds (version 2+)' }),
  })
  .openapi('SongAnalysis');
export const songDetailOut = z.object({ ...songFields, analysis: analysisOut }).openapi('SongWithAnalysis');

export const songUpload = z
  .object({
    file: z
      .custom<File>((v) => v instanceof File, { message: 'must be a file part named "file"' })
      .openapi({ type: 'string', format: 'binary' }),
    title: name,
    artist: z.string().trim().min(1).max(200).optional(),
    style: z
      .enum(['any', 'bachata'])
      .optional()
      .openapi({ description: 'tempo prior for the analysis: bachata looks between 95 and 165 bpm (default any)' }),
  })
  .openapi('SongUpload');

export const playIn = z
  .strictObject({
    song_id: z.number().int().positive(),
    from_s: z
      .number()
      .min(0)
      .max(24 * 3600)
      .default(0)
      .openapi({ description: 'start this far into the song' }),
  })
  .openapi('PlaySong');

export const playbackOut = z
  .object({
    state: z.enum(['idle', 'playing', 'finished', 'stopped', 'failed']),
    song_id: z.number().int().nullable(),
    title: z.string().nullable(),
    position_s: z.number().nullable(),
    duration_s: z.number().nullable(),
    tempo: z.number().nullable(),
    detail: z.string().nullable().openapi({ description: "why playback failed (ffmpeg's words)" }),
  })
  .openapi('Playback');

export const songCountIn = z
  .strictObject({
    count: z.enum(['half', 'double']).openapi({ description: 'count the song half or double as fast as now' }),
  })
  .openapi('SongCount');
