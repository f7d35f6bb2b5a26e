/**
 * Linear discriminant analysis: the projection of the standardised gesture features in which
 * recordings of the same movement lie close and different movements far apart, whoever makes
 * them. Classes weigh equally (HMP has 5 to 92 recordings a class), and the within-class
 * scatter is shrunk towards its mean variance, so 53 features learned from a few hundred
 * recordings do not overfit.
 */
import { symmetricEigen } from './eigen.js';

export interface LdaOptions {
  /** output dimensions (at most classes - 1) */
  dims: number;
  /** shrinkage of the within-class scatter towards a multiple of the identity, 0..1 */
  shrink: number;
}

/** The projection, row-major [features × dims]: embedding = x · P. Dimensions beyond classes - 1 are 0. */
export function fitLda(rows: readonly ArrayLike<number>[], labels: readonly string[], o: LdaOptions): Float64Array {
  const d = rows[0]!.length;
  const classes = [...new Set(labels)].sort();
  const grand = new Float64Array(d);
  const within = new Float64Array(d * d);
  const between = new Float64Array(d * d);
  const means = classes.map((c) => {
    const idx = labels.flatMap((l, i) => (l === c ? [i] : []));
    const m = new Float64Array(d);
    for (const i of idx) for (let p = 0; p < d; p++) m[p] = m[p]! + rows[i]![p]! / idx.length;
    for (const i of idx)
      for (let p = 0; p < d; p++) {
        const dp = (rows[i]![p]! - m[p]!) / (idx.length * classes.length);
        for (let q = 0; q < d; q++) within[p * d + q] = within[p * d + q]! + dp * (rows[i]![q]! - m[q]!);
      }
    for (let p = 0; p < d; p++) grand[p] = grand[p]! + m[p]! / classes.length;
    return m;
  });
  for (const m of means)
    for (let p = 0; p < d; p++)
      for (let q = 0; q < d; q++)
        between[p * d + q] = between[p * d + q]! + ((m[p]! - grand[p]!) * (m[q]! - grand[q]!)) / classes.length;
  let trace = 0;
  for (let p = 0; p < d; p++) trace += within[p * d + p]!;
  for (let p = 0; p < d; p++)
    for (let q = 0; q < d; q++)
      within[p * d + q] = (1 - o.shrink) * within[p * d + q]! + (p === q ? (o.shrink * trace) / d : 0);

  // Whiten the within-class scatter (W = U Λ^-½), then take the leading directions of the
  // between-class scatter in that space: the generalised eigenproblem Sb v = λ Sw v.
  const w = symmetricEigen(within, d);
  const white = new Float64Array(d * d);
  for (let p = 0; p < d; p++)
    for (let q = 0; q < d; q++) white[p * d + q] = w.vectors[p * d + q]! / Math.sqrt(Math.max(w.values[q]!, 1e-12));
  const m = multiply(transpose(white, d), multiply(between, white, d), d);
  const e = symmetricEigen(m, d);
  // Only classes - 1 directions separate classes; any further output dimension stays 0.
  const order = Array.from({ length: d }, (_, i) => i)
    .sort((a, b) => e.values[b]! - e.values[a]! || a - b)
    .slice(0, Math.min(o.dims, classes.length - 1));
  const projection = new Float64Array(d * o.dims);
  for (let p = 0; p < d; p++)
    order.forEach((col, j) => {
      let s = 0;
      for (let r = 0; r < d; r++) s += white[p * d + r]! * e.vectors[r * d + col]!;
      projection[p * o.dims + j] = s;
    });
  // An eigenvector's sign is arbitrary: fix it (largest weight positive) so the bytes are stable.
  for (let j = 0; j < o.dims; j++) {
    let big = 0;
    for (let p = 0; p < d; p++)
      if (Math.abs(projection[p * o.dims + j]!) > Math.abs(big)) big = projection[p * o.dims + j]!;
    if (big < 0) for (let p = 0; p < d; p++) projection[p * o.dims + j] = -projection[p * o.dims + j]!;
  }
  return projection;
}

export function project(x: ArrayLike<number>, projection: ArrayLike<number>, dims: number, offset = 0): Float32Array {
  const d = projection.length / dims;
  const out = new Float64Array(dims);
  for (let p = 0; p < d; p++) {
    const v = x[offset + p]!;
    for (let j = 0; j < dims; j++) out[j] = out[j]! + v * projection[p * dims + j]!;
  }
  return Float32Array.from(out);
}

function multiply(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < n; k++) {
      const v = a[i * n + k]!;
      if (v === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j] = out[i * n + j]! + v * b[k * n + j]!;
    }
  return out;
}

function transpose(a: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[j * n + i] = a[i * n + j]!;
  return out;
}
