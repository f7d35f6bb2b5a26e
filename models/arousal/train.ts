/**
 * Trains the arousal model on Stress-Predict with honest, subject-wise evaluation:
 *
 * - the subjects S22-S27 are held out entirely: the committed model never saw them, and the
 *   model card's test metrics are on them alone;
 * - on the training subjects, 5-fold cross-validation by subject scores every candidate
 *   (logistic regression and perceptrons of 4, 8 and 16 hidden units); the best by
 *   cross-validated AUROC is chosen (the simpler one on a tie);
 * - its out-of-fold scores fit the calibration (Platt scaling), folded into the output layer;
 * - the chosen candidate is then fit on all training subjects.
 *
 * Everything is deterministic (sorted subjects, fixed seeds, full-batch optimisers), so the
 * ONNX bytes and the card depend only on the data.
 */
import { auroc } from '../metrics.js';
import { fitPlatt } from './calibration.js';
import { scores, type Scores } from './scores.js';
import { arousalCard } from './card.js';
import { loadStressPredict, stack, type SubjectWindows } from './dataset.js';
import { AROUSAL_INPUTS, STEP_S, WINDOW_S } from './inputs.js';
import { trainLogistic } from './logistic.js';
import { MLP_DEFAULTS, trainMlp } from './mlp.js';
import { arousalOnnx } from './model.js';
import {
  calibrated,
  fromLogistic,
  fromMlp,
  networkLogits,
  predictNetwork,
  type ArousalNetwork,
  type Platt,
} from './network.js';

export const TEST_SUBJECTS = ['S22', 'S23', 'S24', 'S25', 'S26', 'S27'];
const FOLDS = 5;

export interface Candidate {
  name: string;
  fit(x: Float32Array, y: Uint8Array): ArousalNetwork;
}

const f = AROUSAL_INPUTS.length;
const mlp = (hidden: number): Candidate => ({
  name: `perceptron, ${hidden} hidden units`,
  fit: (x, y) => fromMlp(trainMlp(x, y, f, { ...MLP_DEFAULTS, hidden })),
});
export const CANDIDATES: Candidate[] = [
  { name: 'logistic regression', fit: (x, y) => fromLogistic(trainLogistic(x, y, f), f) },
  mlp(4),
  mlp(8),
  mlp(16),
];

const round = (v: number): number => Math.round(v * 1000) / 1000;

export interface CandidateScore {
  name: string;
  auroc: number;
  foldAuroc: number[];
}

export interface ArousalMetrics {
  model: string;
  calibration: Platt;
  candidates: CandidateScore[];
  test: Scores;
  crossValidation: Scores & { foldAuroc: number[] };
  train: Scores;
}

export interface TrainedArousal {
  /** The fitted, calibrated network (also exported for the TensorFlow.js runtime). */
  network: ArousalNetwork;
  onnx: Uint8Array;
  card: string;
  /** Fixed inputs and what the trained model answers, for the regression test of the ONNX file. */
  regression: { inputs: number[][]; outputs: number[] };
  metrics: ArousalMetrics;
}

/** Out-of-fold logits of one candidate: fold k holds out every FOLDS-th training subject. */
function crossValidate(c: Candidate, train: SubjectWindows[]) {
  const logits: number[] = [];
  const labels: number[] = [];
  const foldAuroc: number[] = [];
  for (let k = 0; k < FOLDS; k++) {
    const fit = stack(train.filter((_, i) => i % FOLDS !== k));
    const held = stack(train.filter((_, i) => i % FOLDS === k));
    const z = networkLogits(c.fit(fit.x, fit.y), held.x);
    foldAuroc.push(round(auroc(z, held.y)));
    logits.push(...z);
    labels.push(...held.y);
  }
  return { logits, labels, foldAuroc, auroc: round(auroc(logits, labels)) };
}

export function trainArousal(dataRoot: string): TrainedArousal {
  const all = loadStressPredict(dataRoot);
  const train = all.filter((s) => !TEST_SUBJECTS.includes(s.subject));
  const test = all.filter((s) => TEST_SUBJECTS.includes(s.subject));
  if (train.length < FOLDS || test.length === 0)
    throw new Error(
      `${dataRoot}: expected Stress-Predict subjects S02-S27, found ${all.map((s) => s.subject).join(', ')}`,
    );
  const cv = CANDIDATES.map((c) => ({ c, ...crossValidate(c, train) }));
  const best = cv.reduce((a, b) => (b.auroc > a.auroc ? b : a));
  const platt = fitPlatt(best.logits, best.labels);
  const cvProbabilities = best.logits.map((z) => 1 / (1 + Math.exp(-(platt.a * z + platt.c))));

  const d = stack(train);
  const network = calibrated(best.c.fit(d.x, d.y), platt);
  const t = stack(test);
  const metrics: ArousalMetrics = {
    model: best.c.name,
    calibration: { a: round(platt.a), c: round(platt.c) },
    candidates: cv.map((r) => ({ name: r.c.name, auroc: r.auroc, foldAuroc: r.foldAuroc })),
    test: scores(predictNetwork(network, t.x), t.y, test.length),
    crossValidation: { ...scores(cvProbabilities, best.labels, train.length), foldAuroc: best.foldAuroc },
    train: scores(predictNetwork(network, d.x), d.y, train.length),
  };
  const onnx = arousalOnnx(network, {
    training_data: 'Stress-Predict (Iqbal et al., Sensors 2022), Empatica E4, subjects S02-S21',
    held_out_subjects: TEST_SUBJECTS.join(','),
    model: best.c.name,
    window_s: String(WINDOW_S),
    step_s: String(STEP_S),
    test_auroc: String(metrics.test.auroc),
  });
  // Fixed probe inputs: all-usual, each input alone at +2 and -2 standard deviations.
  const inputs = [
    new Array<number>(f).fill(0),
    ...AROUSAL_INPUTS.flatMap((_, i) => [2, -2].map((v) => Array.from({ length: f }, (_, j) => (j === i ? v : 0)))),
  ];
  const outputs = Array.from(
    predictNetwork(network, Float32Array.from(inputs.flat())),
    (v) => Math.round(v * 1e6) / 1e6,
  );
  return { network, onnx, metrics, card: arousalCard(metrics, train, test), regression: { inputs, outputs } };
}
