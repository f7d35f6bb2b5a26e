/**
 * Teaching a movement pattern by example: each example recording becomes gesture features,
 * the gesture model embeds them, and the pattern keeps their mean (its prototype), their
 * spread (its own open-set threshold) and their typical duration. Used by
 * `POST /api/v1/movement/patterns` and `codance patterns learn`.
 */
import { z } from 'zod';
import { GESTURE_FEATURE_COUNT, gestureFeatures } from '../features/gesture.js';
import type { BatchModel } from '../runtime/batch-model.js';
import { GESTURE_EMBEDDING_DIMS } from './model.js';
import { spreadOf } from './prototypes.js';

const durationS = z.number().min(0.5).max(30);
const examples = z.number().int().min(1);

/** What `movement_patterns.pattern_data` holds for a learned pattern. */
export const learnedPatternSchema = z.object({
  model: z.literal('gesture-v2'),
  prototype: z.array(z.number().finite()).length(GESTURE_EMBEDDING_DIMS),
  radius2: z.number().positive().finite(),
  durationS,
  examples,
});
export type LearnedPattern = z.infer<typeof learnedPatternSchema>;

/** A pattern learned by the earlier embedding: its prototype in standardised-feature space. */
export const legacyPatternSchema = z.object({
  model: z.literal('gesture-v1'),
  prototype: z.array(z.number().finite()).length(GESTURE_FEATURE_COUNT),
  durationS,
  examples,
});

export const storedPatternSchema = z.discriminatedUnion('model', [learnedPatternSchema, legacyPatternSchema]);

export interface Example {
  rateHz: number;
  /** interleaved x y z, g */
  xyz: Float32Array;
}

export type Embed = (features: Float32Array[]) => Promise<Float32Array[]>;

/** What teaching needs of the gesture model: its embedding, and its typical spread (radius2). */
export interface GestureTeacher {
  embed: Embed;
  radius2: number;
}

export function teacherFor(model: BatchModel & { radius2: number }): GestureTeacher {
  return {
    radius2: model.radius2,
    embed: async (features) => {
      const x = new Float32Array(features.length * model.inputWidth);
      features.forEach((f, i) => x.set(f, i * model.inputWidth));
      const out = await model.run(x, features.length);
      return features.map((_, i) => out.slice(i * model.outputWidth, (i + 1) * model.outputWidth));
    },
  };
}

const round = (v: number, places: number): number => Math.round(v * 10 ** places) / 10 ** places;

/** A pattern taught by one example gets the model's typical spread. */
export async function learnPattern(examples: readonly Example[], teacher: GestureTeacher): Promise<LearnedPattern> {
  const embeddings = await teacher.embed(examples.map((e) => gestureFeatures(e.xyz, e.rateHz)));
  const d = embeddings[0]!.length;
  const prototype = new Array<number>(d).fill(0);
  for (const e of embeddings) for (let i = 0; i < d; i++) prototype[i]! += e[i]! / embeddings.length;
  const durations = examples.map((e) => e.xyz.length / 3 / e.rateHz).sort((a, b) => a - b);
  return {
    model: 'gesture-v2',
    prototype: prototype.map((v) => round(v, 5)),
    radius2: round(spreadOf(embeddings, teacher.radius2), 4),
    durationS: round(Math.min(30, Math.max(0.5, durations[durations.length >> 1]!)), 2),
    examples: examples.length,
  };
}
