/** Wire contracts of /api/v1/mapping and /api/v1/clock: the live rules, presets and music clock. */
import { z } from '@hono/zod-openapi';
import { mappingRuleSchema, mappingRulesSchema } from '../../../config/mapping.js';

// The config's own schemas (plain zod): one definition of a rule for the file, the API and OSC in.
export const ruleIn = mappingRuleSchema;
export const rulesIn = mappingRulesSchema;
export const ruleIdParam = z.object({
  rule: z
    .string()
    .min(1)
    .max(63)
    .openapi({ param: { name: 'rule', in: 'path' }, example: 'crowd-energy' }),
});

const active = z
  .object({ sound: z.string().nullable(), visualization: z.string().nullable() })
  .openapi('ActivePresets');

export const mappingOut = z
  .object({
    rules: z
      .array(z.record(z.string(), z.unknown()))
      .openapi({ description: 'the base rules (config, or as edited live)' }),
    active,
    effective_rules: z.number().int().openapi({ description: "base rules plus the active presets' rules" }),
  })
  .openapi('Mapping');

export const presetsOut = z
  .object({
    active,
    presets: z.array(
      z.object({
        name: z.string(),
        kind: z.enum(['sound', 'visualization']),
        origin: z.enum(['config', 'stored']),
        rules: z.number().int().nullable(),
        problem: z.string().nullable().openapi({ description: 'why a stored preset cannot be activated' }),
      }),
    ),
  })
  .openapi('MappingPresets');

const presetName = z
  .string()
  .min(1)
  .max(63)
  .nullable()
  .optional()
  .openapi({ description: 'a preset name; null = none; absent = unchanged' });
export const activeIn = z.strictObject({ sound: presetName, visualization: presetName }).openapi('ActivePresetsChange');
export const activeOut = active;

export const clockOut = z
  .object({
    bpm: z.number(),
    source: z.enum(['midi', 'osc', 'song', 'audio', 'fallback']),
    running: z.boolean(),
    live_sources: z.array(z.string()),
    next_beat: z.object({ at: z.string(), count: z.number().int(), in_ms: z.number() }),
    beats_announced: z.number().int(),
  })
  .openapi('MusicClock');
