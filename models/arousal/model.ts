/**
 * The arousal model: logistic regression over the person-normalised physio features,
 * written as an ONNX graph (Gemm + Sigmoid) and trained by `npm run train` (arousal/train.ts).
 */
import { fileURLToPath } from 'node:url';
import { PHYSIO_FEATURES } from '../features/physio.js';
import { encodeModel, node, tensor, value } from '../onnx/build.js';
import type { Logistic } from './logistic.js';

export const AROUSAL_MODEL_PATH = fileURLToPath(new URL('./arousal.onnx', import.meta.url)).replace(
  /\/dist\/models\//,
  '/models/',
);
export const AROUSAL_FEATURES = PHYSIO_FEATURES;
export const AROUSAL_TFJS_DIR = AROUSAL_MODEL_PATH.replace(/arousal\.onnx$/, 'tfjs');

export function arousalOnnx(m: Logistic, metadata: Record<string, string>): Uint8Array {
  const f = AROUSAL_FEATURES.length;
  return encodeModel({
    name: 'codance_arousal',
    doc: 'P(stress/high arousal) from person-normalised EDA, HR, HRV and skin-temperature window features',
    inputs: [value('features', [null, f])],
    outputs: [value('arousal', [null, 1])],
    initializers: [tensor('W', [f, 1], m.w), tensor('B', [1], [m.b])],
    nodes: [node('Gemm', ['features', 'W', 'B'], ['logit']), node('Sigmoid', ['logit'], ['arousal'])],
    metadata: { features: AROUSAL_FEATURES.join(','), ...metadata },
  });
}
