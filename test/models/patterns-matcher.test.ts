/**
 * The few-shot matcher's parts: the eigen solver and LDA behind the embedding, the per-pattern
 * spread and open-set threshold, and the live detector's replay that the card's open-set
 * figures come from.
 */
import { describe, expect, it } from 'vitest';
import { GESTURE_RATE_HZ } from '../../models/features/gesture.js';
import { symmetricEigen } from '../../models/patterns/eigen.js';
import { fitLda, project } from '../../models/patterns/lda.js';
import { replayStream } from '../../models/patterns/live-detector.js';
import { classify, NONE_AT, spreadOf } from '../../models/patterns/prototypes.js';
import { gaussian, seededRandom } from '../../models/random.js';

describe('few-shot matcher', () => {
  it('the eigen solver reconstructs a symmetric matrix from its eigenvalues and vectors', () => {
    const rand = seededRandom(11);
    const n = 6;
    const b = Array.from({ length: n * n }, () => rand() - 0.5);
    const a = Array.from({ length: n * n }, (_, k) => {
      const [i, j] = [Math.floor(k / n), k % n];
      let s = 0;
      for (let r = 0; r < n; r++) s += b[i * n + r]! * b[j * n + r]!;
      return s;
    });
    const { values, vectors } = symmetricEigen(a, n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += vectors[i * n + k]! * values[k]! * vectors[j * n + k]!;
        expect(s).toBeCloseTo(a[i * n + j]!, 9);
      }
  });

  it('LDA keeps the direction that separates classes and drops a louder one that does not', () => {
    const rand = seededRandom(2);
    const rows: number[][] = [];
    const labels: string[] = [];
    for (let i = 0; i < 300; i++) {
      const c = i % 3;
      // feature 0: class means 0, 1, 2 with spread 0.3; feature 1: noise 10x larger, no class information
      rows.push([c + 0.3 * gaussian(rand), 3 * gaussian(rand), 0.1 * gaussian(rand)]);
      labels.push(`c${c}`);
    }
    const p = fitLda(rows, labels, { dims: 2, shrink: 0 });
    const first = [p[0]!, p[2]!, p[4]!];
    expect(Math.abs(first[0]!)).toBeGreaterThan(20 * Math.abs(first[1]!));
    // Three classes separate along at most two directions; a third output stays 0.
    const wide = fitLda(rows, labels, { dims: 3, shrink: 0 });
    expect(Array.from(project([1, 2, 3], wide, 3))[2]).toBe(0);
    // Deterministic, sign included.
    expect(fitLda(rows, labels, { dims: 2, shrink: 0 })).toEqual(p);
  });

  it('a pattern learned from tight examples gets a tighter open-set threshold than the model default', () => {
    const tight = [Float32Array.of(0, 0), Float32Array.of(0.1, 0), Float32Array.of(0, 0.1)];
    const r = spreadOf(tight, 1);
    expect(r).toBeLessThan(1);
    expect(r).toBeGreaterThan(0.5); // shrunk towards the default: three examples are few
    expect(spreadOf([Float32Array.of(5, 5)], 1)).toBe(1);
    const protos = [
      { name: 'tight', vector: Float32Array.of(0, 0), radius2: 0.3 },
      { name: 'loose', vector: Float32Array.of(10, 0) },
    ];
    // Same distance from each prototype: the loose one still accepts it, the tight one does not.
    const nearTight = classify(Float32Array.of(0.7, 0), protos, 1, { noneAt: NONE_AT })!;
    const nearLoose = classify(Float32Array.of(9.3, 0), protos, 1, { noneAt: NONE_AT })!;
    expect(nearTight.name).toBe('tight');
    expect(nearLoose.name).toBe('loose');
    expect(nearTight.confidence).toBeLessThan(0.6);
    expect(nearLoose.confidence).toBeGreaterThan(0.8);
  });

  it('the replayed live detector reports a taught movement, stays quiet for its duration, and counts the open set', () => {
    // Two "movements": still (z = 1 g) and shaking on x at 2 Hz, 10 s each, in a stream of three.
    const seconds = 10;
    const n = seconds * GESTURE_RATE_HZ;
    const still = Float32Array.from({ length: n * 3 }, (_, i) => (i % 3 === 2 ? 1 : 0));
    const shake = Float32Array.from({ length: n * 3 }, (_, i) =>
      i % 3 === 0 ? Math.sin((2 * Math.PI * 2 * Math.floor(i / 3)) / GESTURE_RATE_HZ) : i % 3 === 2 ? 1 : 0,
    );
    // A toy embedding: the spread of x.
    const embed = (f: Float32Array) => Float32Array.of(f[1]!);
    const protos = [
      { name: 'still', vector: Float32Array.of(0), durationS: 4 },
      { name: 'shake', vector: Float32Array.of(0.7), durationS: 4 },
    ];
    const o = { everyS: 0.5, minConfidence: 0.6, radius2: 0.05 };
    const segments = [
      { xyz: still, label: 'still' },
      { xyz: shake, label: 'shake' },
      { xyz: still, label: 'other' },
    ];
    const { detections, openSet } = replayStream(segments, protos, embed, o);
    const during = (s: number) => detections.filter((d) => d.segment === s).map((d) => d.name);
    expect(during(1)).toContain('shake');
    // 10 s of shaking with a 4 s cooldown: reported at most three times.
    expect(during(1).filter((n) => n === 'shake').length).toBeLessThanOrEqual(3);
    // The open set: while "still" is performed but not taught, the shake pattern must not fire.
    expect(openSet.filter((d) => d.segment === 0)).toEqual([]);
    // "other" is taught under no name: what fires during it (still, once the shake is out of the window) is counted.
    expect(openSet.some((d) => d.segment === 2 && d.name === 'still')).toBe(true);
  });
});
