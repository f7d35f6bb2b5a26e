/**
 * The arousal model: `npm run train` reproduces the committed files byte for byte, the ONNX
 * file answers the fixed probe inputs as the trained model did, and `codance model eval`
 * scores exactly the held-out subjects the model card reports.
 */
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AROUSAL_INPUTS } from '../../models/arousal/inputs.js';
import { AROUSAL_MODEL_PATH, AROUSAL_TFJS_DIR } from '../../models/arousal/model.js';
import { arousalTfjs } from '../../models/arousal/tfjs-export.js';
import { TfjsModel, tfjsWasm } from '../../models/runtime/tfjs-model.js';
import { TEST_SUBJECTS, trainArousal } from '../../models/arousal/train.js';
import { OnnxModel } from '../../models/runtime/batch-model.js';
import { auroc, balancedAccuracy } from '../../models/metrics.js';
import { ROOT, tempDir } from '../helpers/daemon-process.js';
import { dataFile, hasData, noDataReason } from '../helpers/data.js';
import { runCli } from '../helpers/run-cli.js';

const committed = (name: string): Buffer => readFileSync(join(ROOT, 'models/arousal', name));
const skipped = hasData ? '' : ` (skipped: ${noDataReason})`;

describe('arousal model', () => {
  it('answers the fixed probe inputs as the trained model did (regression test of the ONNX file)', async () => {
    const { inputs, outputs } = JSON.parse(committed('regression.json').toString()) as {
      inputs: number[][];
      outputs: number[];
    };
    const model = await OnnxModel.load('arousal', AROUSAL_MODEL_PATH, AROUSAL_INPUTS.length, 1);
    const got = await model.run(Float32Array.from(inputs.flat()), inputs.length);
    await model.close();
    expect(got).toHaveLength(outputs.length);
    got.forEach((v, i) => expect(Math.abs(v - outputs[i]!), `probe ${i}`).toBeLessThan(1e-5));
    // Higher skin conductance than the dancer's usual must read as more aroused.
    expect(outputs[1]!).toBeGreaterThan(outputs[0]!);
  });

  it('runs the same on the TensorFlow.js runtime (WASM backend) as on ONNX', async () => {
    const { inputs, outputs } = JSON.parse(committed('regression.json').toString()) as {
      inputs: number[][];
      outputs: number[];
    };
    const model = await TfjsModel.load('arousal', AROUSAL_TFJS_DIR, AROUSAL_INPUTS.length, 1);
    const got = await model.run(Float32Array.from(inputs.flat()), inputs.length);
    await model.close();
    got.forEach((v, i) => expect(Math.abs(v - outputs[i]!), `probe ${i}`).toBeLessThan(1e-5));
    const { tf } = { tf: await tfjsWasm() };
    expect(tf.getBackend()).toBe('wasm');
  });

  it('metrics are computed right (AUROC with ties, balanced accuracy)', () => {
    expect(auroc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
    expect(auroc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5);
    expect(balancedAccuracy([0.9, 0.2, 0.6, 0.1], [1, 1, 0, 0])).toBe(0.5);
  });

  it.skipIf(!hasData)(
    `npm run train reproduces the committed ONNX file, TensorFlow.js files, model card and regression probes${skipped}`,
    async () => {
      const trained = trainArousal(dataFile('physio', 'stress-predict'));
      expect(Buffer.from(trained.onnx).equals(committed('arousal.onnx'))).toBe(true);
      expect(trained.card).toBe(committed('MODEL_CARD.md').toString());
      expect(`${JSON.stringify(trained.regression)}\n`).toBe(committed('regression.json').toString());
      const tfjs = await arousalTfjs(trained.network);
      expect(`${JSON.stringify(tfjs.manifest)}\n`).toBe(committed('tfjs/model.json').toString());
      expect(tfjs.weights.equals(committed('tfjs/weights.bin'))).toBe(true);
      const m = trained.metrics;
      expect(m.test.subjects).toBe(TEST_SUBJECTS.length);
      // Floors under the card's figures: a change that makes the model worse fails here.
      expect(m.test.auroc).toBeGreaterThanOrEqual(0.73);
      expect(m.crossValidation.auroc).toBeGreaterThanOrEqual(0.77);
      expect(m.test.calibrationError).toBeLessThanOrEqual(0.08);
      expect(m.crossValidation.calibrationError).toBeLessThanOrEqual(0.03);
      // The model shipped is the candidate cross-validation scored best.
      const best = Math.max(...m.candidates.map((c) => c.auroc));
      expect(m.candidates.find((c) => c.name === m.model)!.auroc).toBe(best);
    },
    120_000,
  );

  it.skipIf(!hasData)(
    `codance model eval arousal scores only the subjects in --data: the held-out ones give the card's test metrics${skipped}`,
    () => {
      const dir = tempDir();
      mkdirSync(join(dir, 'Raw_data'));
      for (const s of TEST_SUBJECTS)
        symlinkSync(dataFile('physio', 'stress-predict', 'Raw_data', s), join(dir, 'Raw_data', s));
      const labels = readFileSync(dataFile('physio', 'stress-predict', 'labels.csv'), 'utf8').split('\n');
      writeFileSync(
        join(dir, 'labels.csv'),
        [labels[0], ...labels.filter((l) => TEST_SUBJECTS.includes(l.split(',')[0]!))].join('\n'),
      );
      const r = runCli(['model', 'eval', 'arousal', '--data', dir]);
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as Record<string, number>;
      const card = JSON.parse(committed('metrics.json').toString()) as { test: Record<string, number> };
      expect(out).toEqual({ ...card.test, subjects: 6 });
      const bad = runCli(['model', 'eval', 'arousal', '--data', tempDir()]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('is not laid out like Stress-Predict');
      expect(runCli(['model', 'eval', 'valence', '--data', dir]).code).toBe(2);
    },
    60_000,
  );
});
