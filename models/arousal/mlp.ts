/**
 * A one-hidden-layer perceptron (features → ReLU × H → sigmoid), trained by full-batch Adam on
 * the class-balanced log loss with L2 on the weights. The initial weights come from a fixed
 * seed and every pass visits the rows in the same order, so the same data always gives the
 * same weights, bit for bit (and so the same ONNX and TensorFlow.js bytes).
 */
import { gaussian, seededRandom } from '../random.js';

export interface Mlp {
  /** input → hidden weights, row-major [features × hidden] */
  w1: Float64Array;
  b1: Float64Array;
  /** hidden → output weights [hidden] */
  w2: Float64Array;
  b2: number;
  features: number;
  hidden: number;
}

export interface MlpOptions {
  hidden: number;
  epochs: number;
  rate: number;
  l2: number;
  seed: number;
}

export const MLP_DEFAULTS: MlpOptions = { hidden: 8, epochs: 150, rate: 0.01, l2: 1e-2, seed: 7 };

/** The output's logit for each row of `x` [n × features]. */
export function mlpLogits(m: Mlp, x: Float32Array): Float64Array {
  const n = x.length / m.features;
  const out = new Float64Array(n);
  const h = new Float64Array(m.hidden);
  for (let i = 0; i < n; i++) {
    h.set(m.b1);
    for (let j = 0; j < m.features; j++) {
      const v = x[i * m.features + j]!;
      if (v === 0) continue;
      for (let k = 0; k < m.hidden; k++) h[k] = h[k]! + v * m.w1[j * m.hidden + k]!;
    }
    let z = m.b2;
    for (let k = 0; k < m.hidden; k++) if (h[k]! > 0) z += h[k]! * m.w2[k]!;
    out[i] = z;
  }
  return out;
}

export const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

export function predictMlp(m: Mlp, x: Float32Array): Float64Array {
  return mlpLogits(m, x).map(sigmoid);
}

export function trainMlp(x: Float32Array, y: Uint8Array, features: number, o: MlpOptions = MLP_DEFAULTS): Mlp {
  const n = y.length;
  const H = o.hidden;
  const rand = seededRandom(o.seed);
  const m: Mlp = {
    w1: Float64Array.from({ length: features * H }, () => gaussian(rand) * Math.sqrt(2 / features)),
    b1: new Float64Array(H),
    w2: Float64Array.from({ length: H }, () => gaussian(rand) * Math.sqrt(1 / H)),
    b2: 0,
    features,
    hidden: H,
  };
  const pos = y.reduce((a, v) => a + v, 0);
  const wPos = n / (2 * Math.max(1, pos));
  const wNeg = n / (2 * Math.max(1, n - pos));
  // Parameters as one vector view for Adam: [w1, b1, w2, b2].
  const size = features * H + H + H + 1;
  const g = new Float64Array(size);
  const m1 = new Float64Array(size);
  const m2 = new Float64Array(size);
  const h = new Float64Array(H);
  const b1o = features * H;
  const w2o = b1o + H;
  const b2o = w2o + H;
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    g.fill(0);
    for (let i = 0; i < n; i++) {
      h.set(m.b1);
      for (let j = 0; j < features; j++) {
        const v = x[i * features + j]!;
        for (let k = 0; k < H; k++) h[k] = h[k]! + v * m.w1[j * H + k]!;
      }
      let z = m.b2;
      for (let k = 0; k < H; k++) if (h[k]! > 0) z += h[k]! * m.w2[k]!;
      const e = (sigmoid(z) - y[i]!) * (y[i] ? wPos : wNeg);
      g[b2o] = g[b2o]! + e;
      for (let k = 0; k < H; k++) {
        if (h[k]! <= 0) continue;
        g[w2o + k] = g[w2o + k]! + e * h[k]!;
        const eh = e * m.w2[k]!;
        g[b1o + k] = g[b1o + k]! + eh;
        for (let j = 0; j < features; j++) g[j * H + k] = g[j * H + k]! + eh * x[i * features + j]!;
      }
    }
    const step = (o.rate * Math.sqrt(1 - 0.999 ** epoch)) / (1 - 0.9 ** epoch);
    const update = (p: Float64Array, off: number, len: number, decay: boolean): void => {
      for (let k = 0; k < len; k++) {
        const gi = g[off + k]! / n + (decay ? o.l2 * p[k]! : 0);
        m1[off + k] = 0.9 * m1[off + k]! + 0.1 * gi;
        m2[off + k] = 0.999 * m2[off + k]! + 0.001 * gi * gi;
        p[k] = p[k]! - (step * m1[off + k]!) / (Math.sqrt(m2[off + k]!) + 1e-8);
      }
    };
    update(m.w1, 0, features * H, true);
    update(m.b1, b1o, H, false);
    update(m.w2, w2o, H, true);
    const b2 = Float64Array.of(m.b2);
    update(b2, b2o, 1, false);
    m.b2 = b2[0]!;
  }
  return m;
}
