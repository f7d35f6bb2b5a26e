/**
 * Teaching a movement pattern by example: each example recording becomes gesture features,
 * the gesture model embeds them, and the pattern keeps their mean (its prototype) and their
 * typical duration. Used by `POST /api/v1/movement/patterns` and `codance patterns learn`.
 */
import { gestureFeatures } from '../features/gesture.js';
import type { BatchModel } from '../runtime/batch-model.js';
import { z } from 'zod';
import { GESTURE_FEATURE_COUNT } from '../features/gesture.js';

/** What `movement_patterns.pattern_data` holds for a learned pattern. */
export const learnedPatternSchema = z.object({
  model: z.literal('gesture-v1'),
  prototype: z.array(z.number().finite()).length(GESTURE_FEATURE_COUNT),
  durationS: z.number().min(0.5).max(30),
  examples: z.number().int().min(1),
});
export type LearnedPattern = z.infer<typeof learnedPatternSchema>;

export interface Example {
  rateHz: number;
  /** interleaved x y z, g */
  xyz: Float32Array;
}

export type Embed = (features: Float32Array[]) => Promise<Float32Array[]>;

export function embedWith(model: BatchModel): Embed {
  return async (features) => {
    const x = new Float32Array(features.length * model.inputWidth);
    features.forEach((f, i) => x.set(f, i * model.inputWidth));
    const out = await model.run(x, features.length);
    return features.map((_, i) => out.slice(i * model.outputWidth, (i + 1) * model.outputWidth));
  };
}

export async function learnPattern(examples: readonly Example[], embed: Embed): Promise<LearnedPattern> {
  const embeddings = await embed(examples.map((e) => gestureFeatures(e.xyz, e.rateHz)));
  const d = embeddings[0]!.length;
  const prototype = new Array<number>(d).fill(0);
  for (const e of embeddings) for (let i = 0; i < d; i++) prototype[i]! += e[i]! / embeddings.length;
  const durations = examples.map((e) => e.xyz.length / 3 / e.rateHz).sort((a, b) => a - b);
  const durationS = Math.min(30, Math.max(0.5, durations[durations.length >> 1]!));
  return {
    model: 'gesture-v1',
    prototype: prototype.map((v) => Math.round(v * 1e5) / 1e5),
    durationS: Math.round(durationS * 100) / 100,
    examples: examples.length,
  };
}
