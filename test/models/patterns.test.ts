/** The gesture embedding and the few-shot protocol of `codance patterns eval`. */
import { readdirSync, readFileSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GESTURE_FEATURE_COUNT, dominantFrequency, gestureFeatures } from '../../models/features/gesture.js';
import { GESTURE_EMBEDDING_DIMS, GESTURE_MODEL_PATH } from '../../models/patterns/model.js';
import { parseHmpFile, volunteerOf, volunteerOrder } from '../../models/patterns/hmp.js';
import { trainGesture } from '../../models/patterns/train.js';
import { loadGestureModel } from '../../models/patterns/gesture-model.js';
import { macroF1 } from '../../models/metrics.js';
import { ROOT, tempDir } from '../helpers/daemon-process.js';
import { dataFile, hasData, noDataReason } from '../helpers/data.js';
import { runCli } from '../helpers/run-cli.js';

const committed = (name: string): Buffer => readFileSync(join(ROOT, 'models/patterns', name));
const skipped = hasData ? '' : ` (skipped: ${noDataReason})`;

describe('gesture features', () => {
  it('find the rhythm of a periodic wrist movement and do not depend on the sample rate', () => {
    const wave = (rate: number, hz: number, seconds: number) =>
      Float32Array.from({ length: rate * seconds * 3 }, (_, i) =>
        i % 3 === 2 ? 1 : 0.5 * Math.sin((2 * Math.PI * hz * Math.floor(i / 3)) / rate),
      );
    const z = (xyz: Float32Array) => Float64Array.from({ length: xyz.length / 3 }, (_, i) => xyz[i * 3]!);
    expect(dominantFrequency(z(wave(32, 2, 8)), 0)).toBeCloseTo(2, 0);
    const at32 = gestureFeatures(wave(32, 1.5, 6), 32);
    const at50 = gestureFeatures(wave(50, 1.5, 6), 50);
    expect(at32).toHaveLength(GESTURE_FEATURE_COUNT);
    at32.forEach((v, i) => expect(Math.abs(v - at50[i]!), `feature ${i}`).toBeLessThan(0.15));
  });

  it('parse HMP files and volunteer ids, naming a bad line', () => {
    expect(Array.from(parseHmpFile('0 63 21\n63 0 42\n', 'x.txt')).map((v) => Math.round(v * 100) / 100)).toEqual([
      -1.5, 1.5, -0.5, 1.5, -1.5, 0.5,
    ]);
    expect(() => parseHmpFile('0 63 21\n1 2\n', 'x.txt')).toThrow('x.txt line 2: expected three codes 0..63');
    expect(volunteerOf('Accelerometer-2011-03-24-09-51-07-walk-f1.txt')).toBe('f1');
    expect(['m1', 'f3', 'f10', 'f1'].sort(volunteerOrder)).toEqual(['f1', 'f3', 'f10', 'm1']);
    expect(macroF1(['a', 'b', 'b'], ['a', 'b', 'a'])).toEqual({ macroF1: (2 / 3 + 2 / 3) / 2, accuracy: 2 / 3 });
  });
});

describe('gesture embedding model', () => {
  it('answers the committed probe inputs as training computed them (regression test of the ONNX file)', async () => {
    const { inputs, outputs } = JSON.parse(committed('regression.json').toString()) as {
      inputs: number[][];
      outputs: number[][];
    };
    const model = await loadGestureModel(GESTURE_MODEL_PATH);
    const got = await model.run(Float32Array.from(inputs.flat()), inputs.length);
    await model.close();
    expect(got).toHaveLength(inputs.length * GESTURE_EMBEDDING_DIMS);
    outputs.flat().forEach((v, i) => expect(Math.abs(got[i]! - v), `value ${i}`).toBeLessThan(1e-3));
  });

  it.skipIf(!hasData)(
    `npm run train reproduces the committed ONNX file and card${skipped}`,
    () => {
      const trained = trainGesture(dataFile('imu', 'hmp'));
      expect(Buffer.from(trained.onnx).equals(committed('gesture.onnx'))).toBe(true);
      expect(trained.card).toBe(committed('MODEL_CARD.md').toString());
      expect(`${JSON.stringify(trained.regression)}\n`).toBe(committed('regression.json').toString());
      // Floors under the card's volunteer-wise figures: a change that makes matching worse fails here.
      const cv = (k: number) => trained.metrics.crossValidation.find((r) => r.shots === k)!;
      expect(cv(1).macroF1).toBeGreaterThanOrEqual(0.64);
      expect(cv(3).macroF1).toBeGreaterThanOrEqual(0.69);
      expect(cv(5).macroF1).toBeGreaterThanOrEqual(0.67);
      for (const k of [1, 3, 5]) {
        expect(cv(k).liveRecall, `K=${k} live recall`).toBeGreaterThanOrEqual(0.07);
        expect(cv(k).openSetFalsePerHour, `K=${k} open-set false positives per hour`).toBeLessThanOrEqual(80);
      }
    },
    180_000,
  );

  it.skipIf(!hasData)(
    `codance patterns eval reports the card's held-out few-shot figures, and names bad input${skipped}`,
    () => {
      const r = runCli(['patterns', 'eval', '--data', dataFile('imu', 'hmp'), '--shots', '3']);
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as Record<string, unknown>;
      const card = JSON.parse(committed('metrics.json').toString()) as { inSample: { shots: number }[] };
      expect(out).toEqual(card.inSample.find((x) => x.shots === 3));
      expect(out).toMatchObject({
        classes: expect.any(Number) as unknown,
        macroF1: expect.any(Number) as unknown,
        accuracy: expect.any(Number) as unknown,
      });
      expect(runCli(['patterns', 'eval', '--data', tempDir()])).toMatchObject({
        code: 2,
        stderr: expect.stringContaining('has no gesture folders') as unknown,
      });
      expect(runCli(['patterns', 'eval', '--data', dataFile('imu', 'hmp'), '--shots', '0']).code).toBe(2);
    },
    60_000,
  );

  it.skipIf(!hasData)(
    `codance patterns learn teaches a pattern into the store from example files, refusing a duplicate name and a bad file${skipped}`,
    () => {
      const db = join(tempDir(), 'box.db');
      const dir = dataFile('imu', 'hmp', 'Drink_glass');
      const files = readdirSync(dir)
        .filter((f) => f.endsWith('-f1.txt'))
        .slice(0, 3)
        .map((f) => join(dir, f));
      const env = { CODANCE_STORE__PATH: db };
      const r = runCli(['patterns', 'learn', '--name', 'drink', '--description', 'raise a glass', ...files], env);
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(/^learned pattern "drink" \(id 1\) from 3 example\(s\)/);
      const row = new BetterSqlite3(db, { readonly: true })
        .prepare('SELECT name, description, pattern_data FROM movement_patterns')
        .get() as { name: string; description: string; pattern_data: string };
      expect(row).toMatchObject({ name: 'drink', description: 'raise a glass' });
      expect(JSON.parse(row.pattern_data)).toMatchObject({ model: 'gesture-v2', examples: 3 });
      expect(runCli(['patterns', 'learn', '--name', 'drink', files[0]!], env)).toMatchObject({
        code: 2,
        stderr: expect.stringContaining('exists already') as unknown,
      });
      expect(runCli(['patterns', 'learn', '--name', 'x', join(ROOT, 'package.json')], env)).toMatchObject({
        code: 2,
        stderr: expect.stringContaining('expected three codes 0..63') as unknown,
      });
    },
    60_000,
  );
});
