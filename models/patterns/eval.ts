/** `codance patterns eval --data DIR --shots K`: the few-shot protocol with the committed embedding. */
import { existsSync, statSync } from 'node:fs';
import { GESTURE_FEATURE_COUNT, gestureFeatures } from '../features/gesture.js';
import { fewShot, type FewShotResult } from './few-shot.js';
import { HMP_RATE_HZ, loadHmp } from './hmp.js';
import { loadGestureModel, type GestureModel } from './gesture-model.js';
import { GESTURE_MODEL_PATH } from './model.js';

export class PatternDataError extends Error {}

async function embedAll(xs: Float32Array[], model: GestureModel): Promise<Float32Array[]> {
  const flat = new Float32Array(xs.length * GESTURE_FEATURE_COUNT);
  xs.forEach((x, i) => flat.set(x, i * GESTURE_FEATURE_COUNT));
  const out = await model.run(flat, xs.length);
  const w = model.outputWidth;
  return xs.map((_, i) => out.slice(i * w, (i + 1) * w));
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
  const model = await loadGestureModel(modelPath);
  try {
    const embeddings = await embedAll(
      recordings.map((r) => gestureFeatures(r.xyz, HMP_RATE_HZ)),
      model,
    );
    return fewShot(recordings, embeddings, shots, model.radius2);
  } finally {
    await model.close();
  }
}
