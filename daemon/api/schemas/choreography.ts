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

export const parseQueryIn = z.strictObject({ query: z.string().max(2000).openapi({ example: 'romantic beginner routine, slow and smooth' }) }).openapi('ParseQuery');

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
  })
  .openapi('ChoreoParams');

export const blueprintIn = z
  .strictObject({
    song_id: z.number().int().positive(),
    query: z.string().max(2000).default('').openapi({ description: 'the request in words (parsed locally)' }),
    seed: z.number().int().min(0).max(2 ** 31).default(1),
  })
  .openapi('BlueprintRequest');

export const blueprintOut = z
  .object({
    seed: z.number().int(),
    tempo: z.number(),
    startS: z.number(),
    endS: z.number(),
    totalCounts: z.number().int(),
    objective: z.number().openapi({ description: 'the minimised cost (see the README for its terms)' }),
    params: paramsOut,
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
