/** `codance patterns eval --data DIR --shots K`: the few-shot protocol with the committed embedding. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { GESTURE_FEATURE_COUNT, gestureFeatures } from '../features/gesture.js';
import { readMetadata } from '../onnx/build.js';
import { OnnxModel } from '../runtime/batch-model.js';
import { fewShot, type FewShotResult } from './few-shot.js';
import { HMP_RATE_HZ, loadHmp } from './hmp.js';
import { GESTURE_MODEL_PATH, radius2Of } from './model.js';

export class PatternDataError extends Error {}

export async function embed(xs: Float32Array[], modelPath = GESTURE_MODEL_PATH): Promise<Float32Array[]> {
  const model = await OnnxModel.load('gesture', modelPath, GESTURE_FEATURE_COUNT, GESTURE_FEATURE_COUNT);
  try {
    const flat = new Float32Array(xs.length * GESTURE_FEATURE_COUNT);
    xs.forEach((x, i) => flat.set(x, i * GESTURE_FEATURE_COUNT));
    const out = await model.run(flat, xs.length);
    return xs.map((_, i) => out.slice(i * GESTURE_FEATURE_COUNT, (i + 1) * GESTURE_FEATURE_COUNT));
  } finally {
    await model.close();
  }
}

export async function evaluatePatterns(
  dataDir: string,
  shots: number,
  modelPath = GESTURE_MODEL_PATH,
): Promise<FewShotResult> {
  if (!existsSync(dataDir) || !statSync(dataDir).isDirectory())
    throw new PatternDataError(`${dataDir} is not a folder`);
  let recordings;
  try {
    recordings = loadHmp(dataDir);
  } catch (err) {
    throw new PatternDataError((err as Error).message);
  }
  if (recordings.length === 0)
    throw new PatternDataError(
      `${dataDir} has no gesture folders of recordings named …-<volunteer>.txt (the layout of shared/data/imu/hmp)`,
    );
  const embeddings = await embed(
    recordings.map((r) => gestureFeatures(r.xyz, HMP_RATE_HZ)),
    modelPath,
  );
  return fewShot(recordings, embeddings, shots, radius2Of(readMetadata(readFileSync(modelPath))));
}
