/**
 * L2-regularised logistic regression by full-batch gradient descent from zero weights: no
 * randomness anywhere, so the same data always gives the same weights (and ONNX bytes).
 * Classes are weighted to balance, because stress windows are a third of the data.
 */
export interface Logistic {
  w: Float64Array;
  b: number;
}

export function trainLogistic(
  x: Float32Array,
  y: Uint8Array,
  features: number,
  opts = { iterations: 3000, rate: 0.5, l2: 0.01 },
): Logistic {
  const n = y.length;
  const pos = y.reduce((a, v) => a + v, 0);
  const wPos = n / (2 * Math.max(1, pos));
  const wNeg = n / (2 * Math.max(1, n - pos));
  const w = new Float64Array(features);
  let b = 0;
  const grad = new Float64Array(features);
  for (let it = 0; it < opts.iterations; it++) {
    grad.fill(0);
    let gb = 0;
    for (let i = 0; i < n; i++) {
      let z = b;
      for (let j = 0; j < features; j++) z += w[j]! * x[i * features + j]!;
      const p = 1 / (1 + Math.exp(-z));
      const e = (p - y[i]!) * (y[i] ? wPos : wNeg);
      for (let j = 0; j < features; j++) grad[j] = grad[j]! + e * x[i * features + j]!;
      gb += e;
    }
    for (let j = 0; j < features; j++) w[j] = w[j]! - opts.rate * (grad[j]! / n + opts.l2 * w[j]!);
    b -= (opts.rate * gb) / n;
  }
  return { w, b };
}
