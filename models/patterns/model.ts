/**
 * The gesture embedding: the gesture features standardised with scales learned from HMP, then
 * projected by linear discriminant analysis to the space where patterns are compared, as ONNX.
 */
import { fileURLToPath } from 'node:url';
import { GESTURE_FEATURE_COUNT } from '../features/gesture.js';
import { encodeModel, node, readInitializer, tensor, value } from '../onnx/build.js';

export const GESTURE_MODEL_PATH = fileURLToPath(new URL('./gesture.onnx', import.meta.url)).replace(
  /\/dist\/models\//,
  '/models/',
);

/** Discriminant directions: one less than HMP's 14 movement classes, what LDA can separate. */
export const LDA_DIMS = 13;
/** Width of the embedding: the discriminant directions, then the weighted standardised features. */
export const GESTURE_EMBEDDING_DIMS = LDA_DIMS + GESTURE_FEATURE_COUNT;

export function gestureOnnx(
  mu: ArrayLike<number>,
  sd: ArrayLike<number>,
  projection: ArrayLike<number>,
  metadata: Record<string, string>,
): Uint8Array {
  const f = GESTURE_FEATURE_COUNT;
  return encodeModel({
    name: 'codance_gesture_embedding',
    doc: 'gesture features standardised, then projected by LDA; few-shot patterns are prototypes in this space',
    inputs: [value('features', [null, f])],
    outputs: [value('embedding', [null, GESTURE_EMBEDDING_DIMS])],
    initializers: [tensor('MU', [f], mu), tensor('SD', [f], sd), tensor('P', [f, GESTURE_EMBEDDING_DIMS], projection)],
    nodes: [
      node('Sub', ['features', 'MU'], ['centred']),
      node('Div', ['centred', 'SD'], ['standardised']),
      node('MatMul', ['standardised', 'P'], ['embedding']),
    ],
    metadata,
  });
}

/** radius2 is written into the model's metadata by training; readers get it from here. */
export function radius2Of(metadata: Record<string, string>): number {
  const r = Number(metadata.radius2);
  if (!Number.isFinite(r) || r <= 0) throw new Error('gesture model has no radius2 in its metadata');
  return r;
}

/**
 * The LDA projection [features × dims] from the model file. Patterns stored before the
 * projection existed keep a standardised-feature prototype (same scales); projecting it gives
 * exactly the mean of their examples' embeddings, so they keep working.
 */
export function projectionOf(bytes: Uint8Array): Float32Array {
  const p = readInitializer(bytes, 'P');
  if (p.length !== GESTURE_FEATURE_COUNT * GESTURE_EMBEDDING_DIMS)
    throw new Error(
      `gesture model projection has ${p.length} values, expected ${GESTURE_FEATURE_COUNT} × ${GESTURE_EMBEDDING_DIMS}`,
    );
  return p;
}
