/**
 * `npm run train`: trains every model from the shared data (data.path, env
 * CODANCE_DATA__PATH, default ../shared/data) and writes the model files and cards next to
 * their code. Deterministic: running it again on the same data changes no byte.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AROUSAL_FEATURES } from './arousal/model.js';
import { arousalTfjs } from './arousal/tfjs-export.js';
import { trainArousal } from './arousal/train.js';
import { trainGesture } from './patterns/train.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const dataRoot = resolve(process.env.CODANCE_DATA__PATH ?? '../shared/data');

const started = performance.now();
const arousal = trainArousal(resolve(dataRoot, 'physio/stress-predict'));
writeFileSync(resolve(here, 'arousal/arousal.onnx'), arousal.onnx);
writeFileSync(resolve(here, 'arousal/MODEL_CARD.md'), arousal.card);
writeFileSync(resolve(here, 'arousal/metrics.json'), `${JSON.stringify(arousal.metrics, null, 2)}\n`);
writeFileSync(resolve(here, 'arousal/regression.json'), `${JSON.stringify(arousal.regression)}\n`);
const tfjs = await arousalTfjs(arousal.model, AROUSAL_FEATURES.length);
mkdirSync(resolve(here, 'arousal/tfjs'), { recursive: true });
writeFileSync(resolve(here, 'arousal/tfjs/model.json'), `${JSON.stringify(tfjs.manifest)}\n`);
writeFileSync(resolve(here, 'arousal/tfjs/weights.bin'), tfjs.weights);
process.stdout.write(`arousal: test AUROC ${arousal.metrics.test.auroc}, balanced accuracy ${arousal.metrics.test.balancedAccuracy} (${arousal.metrics.test.subjects} held-out subjects); cross-validation AUROC ${arousal.metrics.crossValidation.auroc} (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);

const gestureStarted = performance.now();
const gesture = trainGesture(resolve(dataRoot, 'imu/hmp'));
writeFileSync(resolve(here, 'patterns/gesture.onnx'), gesture.onnx);
writeFileSync(resolve(here, 'patterns/MODEL_CARD.md'), gesture.card);
writeFileSync(resolve(here, 'patterns/metrics.json'), `${JSON.stringify(gesture.metrics, null, 2)}\n`);
writeFileSync(resolve(here, 'patterns/regression.json'), `${JSON.stringify(gesture.regression)}\n`);
process.stdout.write(`gesture: ${gesture.metrics.fewShot.map((r) => `K=${r.shots} macro F1 ${r.macroF1} accuracy ${r.accuracy}`).join('; ')} on held-out volunteers (${((performance.now() - gestureStarted) / 1000).toFixed(1)} s)\n`);
