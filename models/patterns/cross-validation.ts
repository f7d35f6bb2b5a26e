/**
 * Volunteer-wise cross-validation of the few-shot matcher on HMP, as a venue uses it: the
 * embedding is learned without the fold's volunteers, a pattern is taught from K recordings of
 * one of them, and another of them performs it.
 *
 * - Folds: the volunteers dealt in turn (f1, f2, … m1, …) into CV_FOLDS groups.
 * - For each volunteer u of the fold, each class is taught from its first K recordings by the
 *   fold's other volunteers (in volunteer order); u's recordings of the taught classes are
 *   scored (macro-F1 over every prediction of every fold).
 * - Live: u's recordings of the taught classes, one after the other in recording order, are
 *   replayed through the live detector (live-detector.ts). Recall: the share of recordings
 *   during which their own pattern is reported. Open set: while u performs class c, detections
 *   by the patterns other than c when c is not taught; each is a false positive (per hour).
 */
import { GESTURE_RATE_HZ } from '../features/gesture.js';
import { macroF1 } from '../metrics.js';
import { embed, fitEmbedding, fitStandardiser, type Embedding } from './embedding.js';
import { firstShots } from './few-shot.js';
import { volunteerOrder, type Recording } from './hmp.js';
import { replayStream, type ReplayOptions, type TimedPrototype } from './live-detector.js';
import { classify, prototypeOf, spreadOf, squaredDistance } from './prototypes.js';

export const CV_FOLDS = 3;

export interface CvResult {
  shots: number;
  macroF1: number;
  accuracy: number;
  classes: number;
  testRecordings: number;
  /** share of recordings the live detector reports as their own class */
  liveRecall: number;
  /** detections per hour of movements no taught pattern describes */
  openSetFalsePerHour: number;
  openSetHours: number;
}

const round = (v: number): number => Math.round(v * 1000) / 1000;
const median = (v: number[]): number => [...v].sort((a, b) => a - b)[v.length >> 1] ?? NaN;
const seconds = (r: Recording): number => r.xyz.length / 3 / GESTURE_RATE_HZ;

export function volunteerFolds(recordings: readonly Recording[]): string[][] {
  const volunteers = [...new Set(recordings.map((r) => r.volunteer))].sort(volunteerOrder);
  return Array.from({ length: CV_FOLDS }, (_, k) => volunteers.filter((_, i) => i % CV_FOLDS === k));
}

/**
 * The typical squared distance of a recording to its class's prototype when the prototype was
 * made by other people: for each recording, its class mean over the other volunteers.
 */
export function crossPersonRadius2(recordings: readonly Recording[], embeddings: readonly Float32Array[]): number {
  const d2: number[] = [];
  recordings.forEach((r, i) => {
    const same = recordings.flatMap((o, j) => (o.gesture === r.gesture && o.volunteer !== r.volunteer ? [j] : []));
    if (same.length === 0) return;
    d2.push(
      squaredDistance(
        embeddings[i]!,
        prototypeOf(
          '',
          same.map((j) => embeddings[j]!),
        ).vector,
      ),
    );
  });
  return round(median(d2));
}

/** Prototypes taught from `shots` recordings of each class (all of them must be in `pool`). */
export function teach(
  recordings: readonly Recording[],
  embeddings: readonly Float32Array[],
  pool: readonly number[],
  shots: number,
  radius2: number,
): TimedPrototype[] {
  return firstShots(recordings, pool, shots).map(([c, chosen]) => {
    const e = chosen.map((i) => embeddings[i]!);
    return {
      ...prototypeOf(c, e, spreadOf(e, radius2)),
      durationS: Math.min(30, Math.max(0.5, median(chosen.map((i) => seconds(recordings[i]!))))),
    };
  });
}

export function crossValidate(
  recordings: readonly Recording[],
  features: readonly Float32Array[],
  shotsList: readonly number[],
  live: Omit<ReplayOptions, 'radius2'>,
): CvResult[] {
  const tally = shotsList.map(() => ({ predicted: [] as string[], actual: [] as string[], hit: 0, fp: 0, fpS: 0 }));
  for (const fold of volunteerFolds(recordings)) {
    const train = recordings.flatMap((r, i) => (fold.includes(r.volunteer) ? [] : [i]));
    const model: Embedding = fitEmbedding(
      fitStandardiser(train.map((i) => features[i]!)),
      train.map((i) => features[i]!),
      train.map((i) => recordings[i]!.gesture),
    );
    const embeddings = features.map((f) => embed(f, model));
    const radius2 = crossPersonRadius2(
      train.map((i) => recordings[i]!),
      train.map((i) => embeddings[i]!),
    );
    const toEmbedding = (f: Float32Array): Float32Array => embed(f, model);
    const replay = { ...live, radius2 };
    for (const u of fold) {
      const pool = recordings.flatMap((r, i) => (fold.includes(r.volunteer) && r.volunteer !== u ? [i] : []));
      shotsList.forEach((shots, s) => {
        const t = tally[s]!;
        const taught = teach(recordings, embeddings, pool, shots, radius2);
        const names = new Set(taught.map((p) => p.name));
        const mine = recordings.flatMap((r, i) => (r.volunteer === u && names.has(r.gesture) ? [i] : []));
        for (const i of mine) {
          t.predicted.push(classify(embeddings[i]!, taught, radius2)!.name);
          t.actual.push(recordings[i]!.gesture);
          t.fpS += seconds(recordings[i]!);
        }
        const stream = mine.map((i) => ({ xyz: recordings[i]!.xyz, label: recordings[i]!.gesture }));
        const { detections, openSet } = replayStream(stream, taught, toEmbedding, replay);
        const hit = new Set(detections.filter((d) => d.name === stream[d.segment]!.label).map((d) => d.segment));
        t.hit += hit.size;
        t.fp += openSet.length;
      });
    }
  }
  return shotsList.map((shots, s) => {
    const t = tally[s]!;
    const m = macroF1(t.predicted, t.actual);
    return {
      shots,
      macroF1: round(m.macroF1),
      accuracy: round(m.accuracy),
      classes: new Set(t.actual).size,
      testRecordings: t.actual.length,
      liveRecall: round(t.hit / Math.max(1, t.actual.length)),
      openSetFalsePerHour: round(t.fp / Math.max(1e-9, t.fpS / 3600)),
      openSetHours: round(t.fpS / 3600),
    };
  });
}
