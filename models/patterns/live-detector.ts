/**
 * The live detector's decision, replayed over a dancer's continuous stream: a window as long
 * as the longest pattern slides every `everyS` (the pipeline's `patternEveryMs`); a match at
 * `minConfidence` or above is a detection, and a pattern is not reported again within its own
 * duration. The pipeline does the same over its rings.
 *
 * The stream is a volunteer's recordings one after the other. Each tick's window is scored
 * twice: against every pattern (does the movement under way get detected?) and against every
 * pattern but the one being performed (the open set: what a movement nobody taught triggers).
 */
import { GESTURE_RATE_HZ, gestureFeatures } from '../features/gesture.js';
import { classify, NONE_AT, type Prototype } from './prototypes.js';

export interface TimedPrototype extends Prototype {
  durationS: number;
}

export interface ReplayOptions {
  everyS: number;
  minConfidence: number;
  radius2: number;
}

export interface Segment {
  /** interleaved x y z at GESTURE_RATE_HZ */
  xyz: Float32Array;
  label: string;
}

export interface Detection {
  /** the segment under way when it was reported */
  segment: number;
  name: string;
}

export function replayStream(
  segments: readonly Segment[],
  prototypes: readonly TimedPrototype[],
  embed: (features: Float32Array) => Float32Array,
  o: ReplayOptions,
): { detections: Detection[]; openSet: Detection[] } {
  const detections: Detection[] = [];
  const openSet: Detection[] = [];
  if (prototypes.length === 0) return { detections, openSet };
  const total = segments.reduce((a, s) => a + s.xyz.length, 0);
  const xyz = new Float32Array(total);
  const ends: number[] = [];
  let at = 0;
  for (const s of segments) {
    xyz.set(s.xyz, at);
    at += s.xyz.length;
    ends.push(at / 3);
  }
  const n = total / 3;
  const windowS = Math.max(...prototypes.map((p) => p.durationS));
  const windowN = Math.round(windowS * GESTURE_RATE_HZ);
  const step = o.everyS * GESTURE_RATE_HZ;
  const without = new Map(
    [...new Set(segments.map((s) => s.label))].map((l) => [l, prototypes.filter((p) => p.name !== l)]),
  );
  const quiet = { all: new Map<string, number>(), open: new Map<string, number>() };
  const decide = (
    e: Float32Array,
    protos: readonly TimedPrototype[],
    q: Map<string, number>,
    t: number,
  ): string | undefined => {
    const m = classify(e, protos, o.radius2, { noneAt: NONE_AT });
    if (!m || m.confidence < o.minConfidence || (q.get(m.name) ?? 0) > t) return undefined;
    q.set(m.name, t + protos.find((p) => p.name === m.name)!.durationS);
    return m.name;
  };
  let segment = 0;
  for (let k = 1; k * step <= n; k++) {
    const end = Math.round(k * step);
    while (ends[segment]! < end) segment++;
    // Live detection starts once half the window is buffered; after that the window is full.
    if (end < windowN * 0.5) continue;
    const start = Math.max(0, end - windowN);
    const e = embed(gestureFeatures(xyz.subarray(start * 3, end * 3), GESTURE_RATE_HZ));
    const t = end / GESTURE_RATE_HZ;
    const all = decide(e, prototypes, quiet.all, t);
    if (all) detections.push({ segment, name: all });
    const open = decide(e, without.get(segments[segment]!.label)!, quiet.open, t);
    if (open) openSet.push({ segment, name: open });
  }
  return { detections, openSet };
}
