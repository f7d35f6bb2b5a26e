/**
 * Trains the arousal model on Stress-Predict with honest, subject-wise evaluation:
 *
 * - the subjects S22-S27 are held out entirely: the committed model never saw them, and the
 *   model card's test metrics are on them alone;
 * - on the training subjects, 5-fold cross-validation by subject gives a second estimate;
 * - the committed model is then fit on all training subjects.
 *
 * Everything is deterministic (sorted subjects, zero init, full-batch descent), so the ONNX
 * bytes and the card depend only on the data.
 */
import { auroc, balancedAccuracy } from '../metrics.js';
import { AROUSAL_FEATURES, arousalOnnx } from './model.js';
import { loadStressPredict, NORM_HALF_LIFE, STEP_S, WINDOW_S, type SubjectWindows } from './dataset.js';
import { predictLogistic, trainLogistic, type Logistic } from './logistic.js';

export const TEST_SUBJECTS = ['S22', 'S23', 'S24', 'S25', 'S26', 'S27'];
const FOLDS = 5;

export interface Scores {
  auroc: number;
  balancedAccuracy: number;
  subjects: number;
  windows: number;
}

function stack(sets: SubjectWindows[]): { x: Float32Array; y: Uint8Array } {
  const f = AROUSAL_FEATURES.length;
  const n = sets.reduce((a, s) => a + s.count, 0);
  const x = new Float32Array(n * f);
  const y = new Uint8Array(n);
  let o = 0;
  for (const s of sets) {
    x.set(s.x, o * f);
    y.set(s.y, o);
    o += s.count;
  }
  return { x, y };
}

export function score(m: Logistic, sets: SubjectWindows[]): Scores {
  const { x, y } = stack(sets);
  const p = predictLogistic(m, x, AROUSAL_FEATURES.length);
  return { auroc: auroc(p, y), balancedAccuracy: balancedAccuracy(p, y), subjects: sets.length, windows: y.length };
}

const round = (v: number): number => Math.round(v * 1000) / 1000;

export interface TrainedArousal {
  /** The fitted weights (also exported for the TensorFlow.js runtime). */
  model: Logistic;
  onnx: Uint8Array;
  card: string;
  /** Fixed inputs and what the trained model answers, for the regression test of the ONNX file. */
  regression: { inputs: number[][]; outputs: number[] };
  metrics: { test: Scores; crossValidation: Scores & { foldAuroc: number[] }; train: Scores; weights: Record<string, number>; bias: number };
}

export function trainArousal(dataRoot: string): TrainedArousal {
  const all = loadStressPredict(dataRoot);
  const train = all.filter((s) => !TEST_SUBJECTS.includes(s.subject));
  const test = all.filter((s) => TEST_SUBJECTS.includes(s.subject));
  if (train.length < FOLDS || test.length === 0) throw new Error(`${dataRoot}: expected Stress-Predict subjects S02-S27, found ${all.map((s) => s.subject).join(', ')}`);
  const f = AROUSAL_FEATURES.length;

  // Cross-validation by subject: fold k holds out every FOLDS-th training subject.
  const foldAuroc: number[] = [];
  const cvScores: number[] = [];
  const cvLabels: number[] = [];
  for (let k = 0; k < FOLDS; k++) {
    const held = train.filter((_, i) => i % FOLDS === k);
    const fit = train.filter((_, i) => i % FOLDS !== k);
    const d = stack(fit);
    const m = trainLogistic(d.x, d.y, f);
    const h = stack(held);
    const p = predictLogistic(m, h.x, f);
    foldAuroc.push(round(auroc(p, h.y)));
    cvScores.push(...p);
    cvLabels.push(...h.y);
  }
  const d = stack(train);
  const model = trainLogistic(d.x, d.y, f);
  const testScores = score(model, test);
  const trainScores = score(model, train);
  const cv = { auroc: auroc(cvScores, cvLabels), balancedAccuracy: balancedAccuracy(cvScores, cvLabels), subjects: train.length, windows: cvLabels.length, foldAuroc };
  const weights = Object.fromEntries(AROUSAL_FEATURES.map((name, i) => [name, round(model.w[i]!)]));
  const fix = (s: Scores): Scores => ({ ...s, auroc: round(s.auroc), balancedAccuracy: round(s.balancedAccuracy) });
  const metrics = { test: fix(testScores), crossValidation: { ...fix(cv), foldAuroc }, train: fix(trainScores), weights, bias: round(model.b) };
  const onnx = arousalOnnx(model, {
    training_data: 'Stress-Predict (Iqbal et al., Sensors 2022), Empatica E4, subjects S02-S21',
    held_out_subjects: TEST_SUBJECTS.join(','),
    window_s: String(WINDOW_S),
    step_s: String(STEP_S),
    test_auroc: String(metrics.test.auroc),
  });
  // Fixed probe inputs: all-usual, each feature alone at +2 and -2 standard deviations.
  const inputs = [new Array<number>(f).fill(0), ...AROUSAL_FEATURES.flatMap((_, i) => [2, -2].map((v) => Array.from({ length: f }, (_, j) => (j === i ? v : 0))))];
  const outputs = Array.from(predictLogistic(model, Float32Array.from(inputs.flat()), f), (v) => Math.round(v * 1e6) / 1e6);
  return { model, onnx, metrics, card: modelCard(metrics, train, test), regression: { inputs, outputs } };
}

function modelCard(m: TrainedArousal['metrics'], train: SubjectWindows[], test: SubjectWindows[]): string {
  const row = (name: string, s: Scores) => `| ${name} | ${s.subjects} | ${s.windows} | ${s.auroc.toFixed(3)} | ${s.balancedAccuracy.toFixed(3)} |`;
  return `# Model card: arousal (\`models/arousal/arousal.onnx\`)

Generated by \`npm run train\` (models/arousal/train.ts); do not edit by hand.

## What it does
Estimates, every ${STEP_S} s for each dancer, the probability that they are in a high-arousal
(stress-like) state, from the last ${WINDOW_S} s of their wristband: skin conductance, heart
rate, heart-rate variability and skin temperature. The crowd state aggregates it across the floor.

## Inputs
Eight window features (models/features/physio.ts), each z-scored against the same person's own
exponentially weighted history (half-life ${(NORM_HALF_LIFE * STEP_S) / 60} min, causal:
past and present only; models/features/running-norm.ts), so the model reads changes relative
to the dancer rather than levels that differ between people and devices:

| feature | meaning | weight |
|---|---|---|
${AROUSAL_FEATURES.map((n) => `| \`${n}\` | ${FEATURE_TEXT[n]} | ${m.weights[n]!.toFixed(3)} |`).join('\n')}

Bias ${m.bias.toFixed(3)}. Graph: \`features [N, 8] → Gemm → Sigmoid → arousal [N, 1]\` (opset 13).

## Data
Stress-Predict (Iqbal et al., Sensors 2022; MIT license): Empatica E4 recordings of volunteers
through a one-hour protocol (baseline, Stroop test, relax, interview, relax, hyperventilation,
relax), labelled at 1 Hz (1 during a stress task). Windows of ${WINDOW_S} s every ${STEP_S} s, labelled by
the majority of their seconds; windows less than half inside the labelled protocol are
dropped. S01 has no labels and is not used.

- training: ${train.map((s) => s.subject).join(', ')}
- held out (never seen in training): ${test.map((s) => s.subject).join(', ')}

## Metrics (subject-wise, held out)
| set | subjects | windows | AUROC | balanced accuracy (p ≥ 0.5) |
|---|---|---|---|---|
${row('held-out test subjects', m.test)}
${row('5-fold cross-validation by subject (training subjects)', m.crossValidation)}
${row('training subjects (in-sample, for reference)', m.train)}

Per-fold AUROC: ${m.crossValidation.foldAuroc.join(', ')}.

## Limits
- Trained on seated volunteers under cognitive and breathing stressors, not on dancers: on a
  dance floor, exercise raises heart rate and sweating too, so the output reads as arousal
  (stress or excitement), not as stress alone. Use it for the mood of the room, never to make
  decisions about a person.
- The first minutes of a session carry little information: the normalisation has no history yet.
- The E4 reports heart rate as a 10 s average, and its inter-beat intervals are sparse
  during movement, so RMSSD is often missing (it is then treated as the person's usual).
- ${train.length + test.length} subjects are a small sample; the AUROC spread across folds shows how much it varies between people.
`;
}

const FEATURE_TEXT: Record<string, string> = {
  eda_tonic: 'median skin conductance',
  eda_slope: 'skin conductance trend (µS/min)',
  scr_rate: 'skin-conductance responses per minute',
  hr_mean: 'mean heart rate',
  hr_std: 'heart-rate variation',
  rmssd: 'RMSSD of inter-beat intervals',
  temp_mean: 'mean skin temperature',
  temp_slope: 'skin temperature trend (°C/min)',
};
