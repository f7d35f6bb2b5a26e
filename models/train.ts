/**
 * `npm run train`: trains every model from the shared data (data.path, env
 * CODANCE_DATA__PATH, default ../shared/data) and writes the model files and cards next to
 * their code. Deterministic: running it again on the same data changes no byte.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arousalTfjs } from './arousal/tfjs-export.js';
import { trainArousal } from './arousal/train.js';
import { trainGesture } from './patterns/train.js';
import { trainTempoLevel } from './music/train-tempo-level.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const dataRoot = resolve(process.env.CODANCE_DATA__PATH ?? '../shared/data');

/** What every trainer leaves next to its code: the model file, its card, metrics and regression probes. */
function writeModel(
  dir: string,
  file: string,
  m: { onnx: Uint8Array; card: string; metrics: unknown; regression: unknown },
): void {
  writeFileSync(resolve(here, dir, file), m.onnx);
  writeFileSync(resolve(here, dir, 'MODEL_CARD.md'), m.card);
  writeFileSync(resolve(here, dir, 'metrics.json'), `${JSON.stringify(m.metrics, null, 2)}\n`);
  writeFileSync(resolve(here, dir, 'regression.json'), `${JSON.stringify(m.regression)}\n`);
}

const started = performance.now();
const arousal = trainArousal(resolve(dataRoot, 'physio/stress-predict'));
writeModel('arousal', 'arousal.onnx', arousal);
const tfjs = await arousalTfjs(arousal.network);
mkdirSync(resolve(here, 'arousal/tfjs'), { recursive: true });
writeFileSync(resolve(here, 'arousal/tfjs/model.json'), `${JSON.stringify(tfjs.manifest)}\n`);
writeFileSync(resolve(here, 'arousal/tfjs/weights.bin'), tfjs.weights);
process.stdout.write(
  `arousal (${arousal.metrics.model}): test AUROC ${arousal.metrics.test.auroc}, balanced accuracy ${arousal.metrics.test.balancedAccuracy} (${arousal.metrics.test.subjects} held-out subjects); cross-validation AUROC ${arousal.metrics.crossValidation.auroc} (${((performance.now() - started) / 1000).toFixed(1)} s)\n`,
);

const gestureStarted = performance.now();
const gesture = trainGesture(resolve(dataRoot, 'imu/hmp'));
writeModel('patterns', 'gesture.onnx', gesture);
process.stdout.write(
  `gesture: ${gesture.metrics.crossValidation.map((r) => `K=${r.shots} macro F1 ${r.macroF1}, live recall ${r.liveRecall}, open-set ${r.openSetFalsePerHour}/h`).join('; ')} (volunteer-wise cross-validation) (${((performance.now() - gestureStarted) / 1000).toFixed(1)} s)\n`,
);

const tempoStarted = performance.now();
const tempo = trainTempoLevel();
writeFileSync(resolve(here, 'music/tempo-level-weights.ts'), tempo.source);
writeFileSync(resolve(here, 'music/MODEL_CARD.md'), tempo.card);
writeFileSync(resolve(here, 'music/metrics.json'), `${JSON.stringify(tempo.metrics, null, 2)}\n`);
process.stdout.write(
  `tempo level: held-out Acc1 ${tempo.metrics.heldOut.acc1} (prior alone ${tempo.metrics.heldOutPrior.acc1}), Acc2 ${tempo.metrics.heldOut.acc2}, one tap ${tempo.metrics.heldOut.oneTap} (${((performance.now() - tempoStarted) / 1000).toFixed(1)} s)\n`,
);
