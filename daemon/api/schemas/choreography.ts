/** Wire contracts of /api/v1/choreography (the move library, request parsing, blueprints). */
import { z } from '@hono/zod-openapi';
import { danceStyles, holds } from '../../../config/moves.js';

export const moveOut = z
  .object({
    id: z.string(),
    name: z.string(),
    counts: z.number().int(),
    difficulty: z.number().int(),
    energy: z.number(),
    start: z.enum(holds),
    end: z.enum(holds),
    hands: z.array(z.string()),
    styles: z.array(z.enum(danceStyles)),
    tags: z.array(z.string()),
    description: z.string(),
    clip: z.string().optional(),
  })
  .openapi('Move');

export const movesQuery = z.object({
  style: z.enum(danceStyles).optional(),
  max_difficulty: z.coerce.number().int().min(1).max(5).optional(),
  tag: z.string().max(40).optional(),
});

export const parseQueryIn = z
  .strictObject({ query: z.string().max(2000).openapi({ example: 'romantic beginner routine, slow and smooth' }) })
  .openapi('ParseQuery');

export const paramsOut = z
  .object({
    level: z.enum(['beginner', 'intermediate', 'advanced']),
    maxDifficulty: z.number().int(),
    targetDifficulty: z.number(),
    style: z.enum(danceStyles).nullable(),
    energy: z.number(),
    durationS: z.number().nullable(),
    focus: z.array(z.string()),
    exclude: z.array(z.string()),
    matched: z.record(z.string(), z.array(z.string())).openapi({ description: 'which words set which parameter' }),
    source: z
      .string()
      .optional()
      .openapi({ description: '`local`, `llm <model>`, or `local (the model failed: why)`' }),
  })
  .openapi('ChoreoParams');

export const blueprintIn = z
  .strictObject({
    song_id: z.number().int().positive(),
    query: z.string().max(2000).default('').openapi({ description: 'the request in words (parsed locally)' }),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31)
      .default(1),
  })
  .openapi('BlueprintRequest');

export const blueprintOut = z
  .object({
    seed: z.number().int(),
    tempo: z.number(),
    startS: z.number(),
    endS: z.number(),
    totalCounts: z.number().int(),
    objective: z.number().openapi({ description: 'the minimised cost (its terms: daemon/choreography/README.md)' }),
    params: paramsOut,
    notes: z
      .array(z.string())
      .default([])
      .openapi({ description: 'where the plan could not be what was asked (a length longer than the song, say)' }),
    steps: z.array(
      z.object({
        moveId: z.string(),
        name: z.string(),
        counts: z.number().int(),
        startCount: z.number().int(),
        startS: z.number(),
        endS: z.number(),
        section: z.string(),
        from: z.enum(holds),
        to: z.enum(holds),
        why: z.array(z.string()),
      }),
    ),
  })
  .openapi('Blueprint');

export const generateIn = z
  .strictObject({
    song_id: z.number().int().positive(),
    query: z.string().max(2000).default(''),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31)
      .default(1),
    render: z.boolean().default(true).openapi({ description: 'render the practice video (MP4) too' }),
  })
  .openapi('GenerateFromSong');

export const describeIn = z
  .strictObject({
    description: z.string().min(1).max(2000).openapi({ example: 'Create a romantic beginner choreography' }),
    song_id: z.number().int().positive(),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31)
      .default(1),
    render: z.boolean().default(true),
  })
  .openapi('Describe');

export const taskOut = z
  .object({
    id: z.number().int(),
    user_id: z.number().int().nullable(),
    song_id: z.number().int().nullable(),
    query: z.string(),
    seed: z.number().int(),
    render: z.boolean(),
    status: z.enum(['pending', 'analysing', 'planning', 'rendering', 'completed', 'failed', 'cancelled']),
    progress: z.number().openapi({ description: '0..1 across the stages' }),
    error: z.string().nullable(),
    attempts: z.number().int(),
    blueprint: blueprintOut.nullable(),
    video: z.string().nullable().openapi({ description: 'GET this path for the MP4 once completed' }),
    created_at: z.string(),
    updated_at: z.string(),
    started_at: z.string().nullable(),
    finished_at: z.string().nullable(),
  })
  .openapi('ChoreoTask');

export const collectionIn = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    description: z.string().max(2000).optional(),
    /** Save a completed task's blueprint... */
    task_id: z.number().int().positive().optional(),
    /** ...or a blueprint as given (e.g. from POST /choreography/blueprint), with its song. */
    blueprint: blueprintOut.optional(),
    song_id: z.number().int().positive().optional(),
  })
  .refine((c) => (c.task_id === undefined) !== (c.blueprint === undefined), {
    message: 'give either task_id or blueprint',
    path: ['task_id'],
  })
  .openapi('CollectionSave');

export const collectionOut = z
  .object({
    id: z.number().int(),
    user_id: z.number().int().nullable(),
    name: z.string(),
    description: z.string().nullable(),
    song_id: z.number().int().nullable(),
    task_id: z.number().int().nullable(),
    moves: z.number().int(),
    duration_s: z.number(),
    level: z.string(),
    style: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('Collection');

export const collectionDetailOut = collectionOut.extend({ blueprint: blueprintOut }).openapi('CollectionWithBlueprint');

export const collectionStatsOut = z
  .object({
    collections: z.number().int(),
    total_moves: z.number().int(),
    mean_duration_s: z.number().nullable(),
    by_level: z.record(z.string(), z.number().int()),
    by_style: z.record(z.string(), z.number().int()),
    top_moves: z.array(z.object({ move: z.string(), times: z.number().int() })),
  })
  .openapi('CollectionStats');

export const liveIn = z
  .strictObject({
    collection_id: z.number().int().positive().optional(),
    task_id: z.number().int().positive().optional(),
    with_song: z
      .boolean()
      .default(false)
      .openapi({ description: "also play the blueprint's song, from just before its first 1" }),
  })
  .refine((c) => (c.collection_id === undefined) !== (c.task_id === undefined), {
    message: 'give either collection_id or task_id',
    path: ['collection_id'],
  })
  .openapi('LivePlay');

export const liveOut = z
  .object({
    state: z.enum(['idle', 'waiting', 'playing', 'finished']),
    name: z.string().nullable(),
    count: z.number().int(),
    totalCounts: z.number().int(),
    move: z.object({ index: z.number().int(), id: z.string(), name: z.string(), count: z.number().int() }).nullable(),
    startedAt: z.number().nullable(),
  })
  .openapi('LiveChoreography');
