/**
 * The arousal model file: the network (network.ts) written as an ONNX graph of Gemm layers
 * with ReLU between them and a Sigmoid at the end, trained by `npm run train` (arousal/train.ts).
 */
import { fileURLToPath } from 'node:url';
import { encodeModel, node, tensor, value } from '../onnx/build.js';
import { AROUSAL_INPUTS } from './inputs.js';
import type { ArousalNetwork } from './network.js';

export const AROUSAL_MODEL_PATH = fileURLToPath(new URL('./arousal.onnx', import.meta.url)).replace(
  /\/dist\/models\//,
  '/models/',
);
export const AROUSAL_TFJS_DIR = AROUSAL_MODEL_PATH.replace(/arousal\.onnx$/, 'tfjs');

export function arousalOnnx(n: ArousalNetwork, metadata: Record<string, string>): Uint8Array {
  const initializers = n.layers.flatMap((l, i) => [
    tensor(`W${i}`, [l.inputs, l.units], l.w),
    tensor(`B${i}`, [l.units], l.b),
  ]);
  const nodes = n.layers.flatMap((_, i) => {
    const input = i === 0 ? 'features' : `hidden${i - 1}`;
    const last = i === n.layers.length - 1;
    return last
      ? [node('Gemm', [input, `W${i}`, `B${i}`], ['logit']), node('Sigmoid', ['logit'], ['arousal'])]
      : [node('Gemm', [input, `W${i}`, `B${i}`], [`dense${i}`]), node('Relu', [`dense${i}`], [`hidden${i}`])];
  });
  return encodeModel({
    name: 'codance_arousal',
    doc: 'P(stress/high arousal) from person-normalised EDA, HR, HRV and skin-temperature window features',
    inputs: [value('features', [null, AROUSAL_INPUTS.length])],
    outputs: [value('arousal', [null, 1])],
    initializers,
    nodes,
    metadata: { features: AROUSAL_INPUTS.join(','), ...metadata },
  });
}
