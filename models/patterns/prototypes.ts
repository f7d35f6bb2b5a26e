/**
 * Few-shot gesture patterns: a pattern is the mean embedding of a few example recordings (its
 * prototype) and its own spread (`radius2`, the squared distance at which a recording of it
 * typically lies). A window is scored against each pattern by its squared distance in units of
 * that pattern's spread; the best is the match, with a confidence from a softmax over those
 * scores. A window far from every prototype, for its spread, is no pattern: the open-set
 * threshold is per pattern.
 */
export interface Prototype {
  name: string;
  vector: Float32Array;
  /** This pattern's spread; the model's typical spread when it has none of its own. */
  radius2?: number;
}

/** Where "no pattern" sits, in units of a pattern's spread (see classify). */
export const NONE_AT = 2;

export function prototypeOf(name: string, embeddings: Float32Array[], radius2?: number): Prototype {
  const d = embeddings[0]!.length;
  const v = new Float32Array(d);
  for (const e of embeddings) for (let i = 0; i < d; i++) v[i] = v[i]! + e[i]! / embeddings.length;
  return radius2 === undefined ? { name, vector: v } : { name, vector: v, radius2 };
}

/**
 * A pattern's own spread from its examples, shrunk towards the model's typical spread: one
 * example says nothing about it, and a few say little. The examples' mean squared distance to
 * their prototype underestimates a new recording's by (K - 1) / (K + 1).
 */
export function spreadOf(embeddings: Float32Array[], modelRadius2: number, prior = 4): number {
  const k = embeddings.length;
  if (k < 2) return modelRadius2;
  const p = prototypeOf('', embeddings).vector;
  let within = 0;
  for (const e of embeddings) within += squaredDistance(e, p) / k;
  const estimate = (within * (k + 1)) / (k - 1);
  return ((k - 1) * estimate + prior * modelRadius2) / (k - 1 + prior);
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
   * distance, in units of a pattern's spread, takes its share of the softmax, so a window
   * merely nearest to the only pattern taught does not score 1. Leave out for closed-set
   * evaluation.
   */
  noneAt?: number;
  /** Offset of the embedding in a batch buffer. */
  offset?: number;
}

/** The best prototype for one embedding, with its confidence; `radius2` is the model's typical spread. */
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
  const base = d2[best]! / radius2;
  let sum = 0;
  for (const d of d2) sum += Math.exp(-(d / radius2 - base));
  // The best pattern's own threshold: "no pattern" sits at noneAt of its spread.
  const { noneAt } = options;
  if (noneAt !== undefined) sum += Math.exp(-((noneAt * (prototypes[best]!.radius2 ?? radius2)) / radius2 - base));
  return { name: prototypes[best]!.name, confidence: 1 / sum, distance2: d2[best]! };
}
