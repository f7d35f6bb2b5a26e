/**
 * Trains the gesture embedding on HMP:
 *
 * - the feature scales come from the first volunteer (f1), as they always have, so patterns
 *   stored as standardised-feature prototypes project exactly into the new space;
 * - the LDA projection is learned from every volunteer's recordings;
 * - radius2 (the typical spread) is the median squared distance of a recording to its class
 *   prototype made by other people.
 *
 * The card's figures come from volunteer-wise cross-validation (cross-validation.ts), where
 * the embedding never saw the volunteers it is scored on.
 */
import { pipelineSchema } from '../../config/pipeline.js';
import { gestureFeatures } from '../features/gesture.js';
import { gestureCard } from './card.js';
import { crossPersonRadius2, crossValidate, volunteerFolds, type CvResult } from './cross-validation.js';
import { embed, fitEmbedding, fitStandardiser, LDA_SHRINK } from './embedding.js';
import { fewShot, type FewShotResult } from './few-shot.js';
import { HMP_RATE_HZ, loadHmp } from './hmp.js';
import { gestureOnnx } from './model.js';

export const FIT_VOLUNTEER = 'f1';
export const SHOTS = [1, 3, 5];

export interface GestureMetrics {
  radius2: number;
  fitRecordings: number;
  recordings: number;
  folds: string[][];
  crossValidation: CvResult[];
  /** `codance patterns eval` on the training data itself (in-sample, for reference) */
  inSample: FewShotResult[];
}

export interface TrainedGesture {
  onnx: Uint8Array;
  card: string;
  metrics: GestureMetrics;
  regression: { inputs: number[][]; outputs: number[][] };
}

export function trainGesture(hmpRoot: string): TrainedGesture {
  const recordings = loadHmp(hmpRoot);
  const features = recordings.map((r) => gestureFeatures(r.xyz, HMP_RATE_HZ));
  const fit = features.filter((_, i) => recordings[i]!.volunteer === FIT_VOLUNTEER);
  if (fit.length === 0) throw new Error(`${hmpRoot}: no recordings of volunteer ${FIT_VOLUNTEER}`);
  const model = fitEmbedding(
    fitStandardiser(fit),
    features,
    recordings.map((r) => r.gesture),
  );
  const embeddings = features.map((f) => embed(f, model));
  const radius2 = crossPersonRadius2(recordings, embeddings);
  const defaults = pipelineSchema.parse({});
  const live = { everyS: defaults.patternEveryMs / 1000, minConfidence: defaults.patternConfidence };
  const metrics: GestureMetrics = {
    radius2,
    fitRecordings: fit.length,
    recordings: recordings.length,
    folds: volunteerFolds(recordings),
    crossValidation: crossValidate(recordings, features, SHOTS, live),
    inSample: SHOTS.map((k) => fewShot(recordings, embeddings, k, radius2)),
  };
  const probes = ['Walk', 'Sitdown_chair', 'Drink_glass']
    .map((g) => recordings.findIndex((r) => r.gesture === g && r.volunteer === FIT_VOLUNTEER))
    .filter((i) => i >= 0);
  const regression = {
    inputs: probes.map((i) => Array.from(features[i]!)),
    outputs: probes.map((i) => Array.from(embeddings[i]!, (v) => Math.round(v * 1e5) / 1e5)),
  };
  const onnx = gestureOnnx(model.mu, model.sd, model.projection, {
    training_data: `HMP wrist accelerometer (Bruno et al. 2013): scales from volunteer ${FIT_VOLUNTEER}, LDA from all ${recordings.length} recordings`,
    radius2: String(radius2),
    lda_shrink: String(LDA_SHRINK),
  });
  return { onnx, metrics, regression, card: gestureCard(metrics, recordings, live) };
}
