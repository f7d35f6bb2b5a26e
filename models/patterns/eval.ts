/** `codance patterns eval --data DIR --shots K`: the few-shot protocol with the committed embedding. */
import { existsSync, statSync } from 'node:fs';
import { gestureFeatures } from '../features/gesture.js';
import { fewShot, type FewShotResult } from './few-shot.js';
import { HMP_RATE_HZ, loadHmp } from './hmp.js';
import { loadGestureModel } from './gesture-model.js';
import { teacherFor } from './learn.js';
import { GESTURE_MODEL_PATH } from './model.js';

export class PatternDataError extends Error {}

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
    const embeddings = await teacherFor(model).embed(recordings.map((r) => gestureFeatures(r.xyz, HMP_RATE_HZ)));
    return fewShot(recordings, embeddings, shots, model.radius2);
  } finally {
    await model.close();
  }
}
