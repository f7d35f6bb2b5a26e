/**
 * The arousal model as the runtimes see it: dense layers (ReLU between them, a sigmoid at the
 * end). Logistic regression is one layer, the perceptron two; the calibration is folded into
 * the last layer, so the ONNX graph, the TensorFlow.js model and this reference all compute
 * the same calibrated probability with no extra step.
 */
import type { Logistic } from './logistic.js';
import type { Mlp } from './mlp.js';

export interface Dense {
  /** row-major [inputs × units] */
  w: Float64Array;
  b: Float64Array;
  inputs: number;
  units: number;
}

export interface ArousalNetwork {
  layers: Dense[];
}

/** Platt scaling: p = sigmoid(a · logit + c). */
export interface Platt {
  a: number;
  c: number;
}

export function fromLogistic(m: Logistic, features: number): ArousalNetwork {
  return { layers: [{ w: Float64Array.from(m.w), b: Float64Array.of(m.b), inputs: features, units: 1 }] };
}

export function fromMlp(m: Mlp): ArousalNetwork {
  return {
    layers: [
      { w: Float64Array.from(m.w1), b: Float64Array.from(m.b1), inputs: m.features, units: m.hidden },
      { w: Float64Array.from(m.w2), b: Float64Array.of(m.b2), inputs: m.hidden, units: 1 },
    ],
  };
}

/**
 * The same network with `p` folded into its output layer, and every weight rounded to float32
 * as the model files store them, so this reference answers as the runtimes do.
 */
export function calibrated(n: ArousalNetwork, p: Platt): ArousalNetwork {
  const last = n.layers[n.layers.length - 1]!;
  const layers = [
    ...n.layers.slice(0, -1),
    { ...last, w: last.w.map((v) => v * p.a), b: last.b.map((v) => v * p.a + p.c) },
  ];
  return { layers: layers.map((l) => ({ ...l, w: l.w.map(Math.fround), b: l.b.map(Math.fround) })) };
}

/** The output logit for each row of `x`. */
export function networkLogits(n: ArousalNetwork, x: Float32Array): Float64Array {
  const rows = x.length / n.layers[0]!.inputs;
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let a: Float64Array = Float64Array.from(x.subarray(r * n.layers[0]!.inputs, (r + 1) * n.layers[0]!.inputs));
    n.layers.forEach((l, li) => {
      const z = Float64Array.from(l.b);
      for (let i = 0; i < l.inputs; i++) for (let u = 0; u < l.units; u++) z[u] = z[u]! + a[i]! * l.w[i * l.units + u]!;
      a = li < n.layers.length - 1 ? z.map((v) => Math.max(0, v)) : z;
    });
    out[r] = a[0]!;
  }
  return out;
}

export function predictNetwork(n: ArousalNetwork, x: Float32Array): Float64Array {
  return networkLogits(n, x).map((z) => 1 / (1 + Math.exp(-z)));
}
