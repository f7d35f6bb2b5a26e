/**
 * The few-shot protocol of `codance patterns eval`: each class is learned from its first K
 * recordings in volunteer order (f1, f2, …, m1, …), and scored on the recordings of every
 * volunteer who gave none of the examples.
 */
import { macroF1 } from '../metrics.js';
import { classify, prototypeOf, spreadOf } from './prototypes.js';
import { volunteerOrder, type Recording } from './hmp.js';

export interface FewShotResult {
  macroF1: number;
  accuracy: number;
  /** classes scored (those with held-out recordings) */
  classes: number;
  /** classes learned (candidates for every prediction) */
  learned: number;
  shots: number;
  testRecordings: number;
  testVolunteers: string[];
}

/** Each class of `pool` with its first `shots` recordings in volunteer order (then file name), classes in name order. */
export function firstShots(
  recordings: readonly Recording[],
  pool: readonly number[],
  shots: number,
): [string, number[]][] {
  const order = (a: number, b: number): number =>
    volunteerOrder(recordings[a]!.volunteer, recordings[b]!.volunteer) ||
    recordings[a]!.file.localeCompare(recordings[b]!.file);
  const classes = [...new Set(pool.map((i) => recordings[i]!.gesture))].sort();
  return classes.map((c) => [
    c,
    pool
      .filter((i) => recordings[i]!.gesture === c)
      .sort(order)
      .slice(0, shots),
  ]);
}

export function fewShot(
  recordings: readonly Recording[],
  embeddings: readonly Float32Array[],
  shots: number,
  radius2: number,
): FewShotResult {
  const shotVolunteers = new Set<string>();
  const all = recordings.map((_, i) => i);
  const prototypes = firstShots(recordings, all, shots).map(([gesture, chosen]) => {
    for (const i of chosen) shotVolunteers.add(recordings[i]!.volunteer);
    const e = chosen.map((i) => embeddings[i]!);
    return prototypeOf(gesture, e, spreadOf(e, radius2));
  });
  const test = recordings.map((_, i) => i).filter((i) => !shotVolunteers.has(recordings[i]!.volunteer));
  const predicted = test.map((i) => classify(embeddings[i]!, prototypes, radius2)?.name ?? '');
  const actual = test.map((i) => recordings[i]!.gesture);
  const { macroF1: f1, accuracy } = macroF1(predicted, actual);
  const r = (v: number): number => Math.round(v * 1000) / 1000;
  return {
    macroF1: r(f1),
    accuracy: r(accuracy),
    classes: new Set(actual).size,
    learned: prototypes.length,
    shots,
    testRecordings: test.length,
    testVolunteers: [...new Set(test.map((i) => recordings[i]!.volunteer))].sort(volunteerOrder),
  };
}
