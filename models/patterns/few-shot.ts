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

export function fewShot(
  recordings: readonly Recording[],
  embeddings: readonly Float32Array[],
  shots: number,
  radius2: number,
): FewShotResult {
  const order = (a: number, b: number): number =>
    volunteerOrder(recordings[a]!.volunteer, recordings[b]!.volunteer) ||
    recordings[a]!.file.localeCompare(recordings[b]!.file);
  const byClass = new Map<string, number[]>();
  recordings.forEach((r, i) => {
    let list = byClass.get(r.gesture);
    if (!list) byClass.set(r.gesture, (list = []));
    list.push(i);
  });
  const shotVolunteers = new Set<string>();
  const prototypes = [...byClass.entries()].map(([gesture, idx]) => {
    const chosen = [...idx].sort(order).slice(0, shots);
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
