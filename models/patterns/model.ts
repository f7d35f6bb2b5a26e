/** The gesture embedding: the gesture features standardised with scales learned from HMP, as ONNX. */
import { fileURLToPath } from 'node:url';
import { GESTURE_FEATURE_COUNT } from '../features/gesture.js';
import { encodeModel, node, tensor, value } from '../onnx/build.js';

export const GESTURE_MODEL_PATH = fileURLToPath(new URL('./gesture.onnx', import.meta.url)).replace(
  /\/dist\/models\//,
  '/models/',
);

export function gestureOnnx(
  mu: ArrayLike<number>,
  sd: ArrayLike<number>,
  metadata: Record<string, string>,
): Uint8Array {
  const f = GESTURE_FEATURE_COUNT;
  return encodeModel({
    name: 'codance_gesture_embedding',
    doc: 'standardised gesture features; few-shot patterns are prototypes in this space',
    inputs: [value('features', [null, f])],
    outputs: [value('embedding', [null, f])],
    initializers: [tensor('MU', [f], mu), tensor('SD', [f], sd)],
    nodes: [node('Sub', ['features', 'MU'], ['centred']), node('Div', ['centred', 'SD'], ['embedding'])],
    metadata,
  });
}

/** radius2 is written into the model's metadata by training; readers get it from here. */
export function radius2Of(metadata: Record<string, string>): number {
  const r = Number(metadata.radius2);
  if (!Number.isFinite(r) || r <= 0) throw new Error('gesture model has no radius2 in its metadata');
  return r;
}
