/**
 * Few-shot gesture patterns: a pattern is the mean embedding of a few example recordings (its
 * prototype); a window is the nearest prototype, with a confidence from a softmax over squared
 * distances at the temperature `radius2` (the typical squared distance of a recording to its
 * own class, measured in training). A window far from every prototype is no pattern.
 */
export interface Prototype {
  name: string;
  vector: Float32Array;
}

export function prototypeOf(name: string, embeddings: Float32Array[]): Prototype {
  const d = embeddings[0]!.length;
  const v = new Float32Array(d);
  for (const e of embeddings) for (let i = 0; i < d; i++) v[i] = v[i]! + e[i]! / embeddings.length;
  return { name, vector: v };
}

export function squaredDistance(a: ArrayLike<number>, b: ArrayLike<number>, offset = 0): number {
  let s = 0;
  for (let i = 0; i < b.length; i++) s += (a[offset + i]! - b[i]!) ** 2;
  return s;
}

export interface Match {
  name: string;
  confidence: number;
  distance2: number;
}

export interface ClassifyOptions {
  /**
   * Open-set use (live detection): an implicit "no pattern" candidate at this squared
   * distance, in units of radius2, takes its share of the softmax, so a window merely nearest
   * to the only pattern taught does not score 1. Leave out for closed-set evaluation.
   */
  noneAt?: number;
  /** Offset of the embedding in a batch buffer. */
  offset?: number;
}

/** The best prototype for one embedding, with its confidence. */
export function classify(
  embedding: ArrayLike<number>,
  prototypes: readonly Prototype[],
  radius2: number,
  options: ClassifyOptions = {},
): Match | undefined {
  if (prototypes.length === 0) return undefined;
  const offset = options.offset ?? 0;
  const d2 = prototypes.map((p) => squaredDistance(embedding, p.vector, offset));
  let best = 0;
  for (let i = 1; i < d2.length; i++) if (d2[i]! < d2[best]!) best = i;
  const base = d2[best]!;
  let sum = 0;
  for (const d of d2) sum += Math.exp(-(d - base) / radius2);
  if (options.noneAt !== undefined) sum += Math.exp(-(options.noneAt * radius2 - base) / radius2);
  return { name: prototypes[best]!.name, confidence: 1 / sum, distance2: base };
}
