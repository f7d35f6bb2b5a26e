/** `codance model eval arousal --data DIR`: the committed model scored on the subjects found in DIR. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { OnnxModel } from '../runtime/batch-model.js';
import { loadStressPredict, stack } from './dataset.js';
import { AROUSAL_INPUTS } from './inputs.js';
import { AROUSAL_MODEL_PATH } from './model.js';
import { scores, type Scores } from './scores.js';

export class EvalDataError extends Error {}

export async function evaluateArousal(dataDir: string, modelPath = AROUSAL_MODEL_PATH): Promise<Scores> {
  if (!existsSync(join(dataDir, 'labels.csv')) || !existsSync(join(dataDir, 'Raw_data'))) {
    throw new EvalDataError(
      `${dataDir} is not laid out like Stress-Predict: it needs labels.csv and Raw_data/Sxx/{EDA,TEMP,HR,IBI}.csv`,
    );
  }
  const sets = loadStressPredict(dataDir);
  if (sets.length === 0) throw new EvalDataError(`${dataDir}: no subject folder in Raw_data/ has labels in labels.csv`);
  const f = AROUSAL_INPUTS.length;
  const { x, y } = stack(sets, f);
  const n = y.length;
  const model = await OnnxModel.load('arousal', modelPath, f, 1);
  try {
    const p = await model.run(x, n);
    return scores(p, y, sets.length);
  } finally {
    await model.close();
  }
}
