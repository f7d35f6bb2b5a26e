/** Loads the gesture embedding with what comes with it: its typical spread and its LDA projection. */
import { readFileSync } from 'node:fs';
import { GESTURE_FEATURE_COUNT } from '../features/gesture.js';
import { readMetadata } from '../onnx/build.js';
import { OnnxModel, type BatchModel } from '../runtime/batch-model.js';
import { GESTURE_EMBEDDING_DIMS, GESTURE_MODEL_PATH, projectionOf, radius2Of } from './model.js';

export type GestureModel = BatchModel & {
  /** the typical squared distance of a recording to its pattern's prototype */
  radius2: number;
  /** standardised features → embedding, for patterns stored as standardised-feature prototypes */
  projection: Float32Array;
};

export async function loadGestureModel(path = GESTURE_MODEL_PATH): Promise<GestureModel> {
  const bytes = readFileSync(path);
  const radius2 = radius2Of(readMetadata(bytes));
  const projection = projectionOf(bytes);
  const model = await OnnxModel.load('gesture', bytes, GESTURE_FEATURE_COUNT, GESTURE_EMBEDDING_DIMS);
  return Object.assign(model, { radius2, projection });
}
