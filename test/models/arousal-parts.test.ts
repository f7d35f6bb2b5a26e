/**
 * The parts of the arousal model that training and the box share: the skin-conductance split
 * into tonic and phasic, the HRV beyond RMSSD, the two-scale normalisation, the calibration,
 * and the network that the ONNX and TensorFlow.js files are written from.
 */
import { describe, expect, it } from 'vitest';
import { brier, calibrationError, fitPlatt } from '../../models/arousal/calibration.js';
import { ArousalNorm, AROUSAL_INPUTS } from '../../models/arousal/inputs.js';
import { calibrated, fromMlp, predictNetwork } from '../../models/arousal/network.js';
import { predictMlp, trainMlp } from '../../models/arousal/mlp.js';
import { edaComponents } from '../../models/features/eda-components.js';
import { PHYSIO_FEATURES, physioFeatures, sdnn } from '../../models/features/physio.js';
import { seededRandom } from '../../models/random.js';

/** 60 s of skin conductance at 4 Hz: a tonic drift plus responses (rise 2 s, decay 6 s) at `at` seconds. */
function eda(responses: { at: number; amp: number }[]): { t: Float64Array; v: Float64Array } {
  const t = Float64Array.from({ length: 240 }, (_, i) => i / 4);
  const v = t.map((s) => {
    let x = 2 + 0.002 * s;
    for (const r of responses) {
      const d = s - r.at;
      if (d >= 0) x += r.amp * (d < 2 ? d / 2 : Math.exp(-(d - 2) / 6));
    }
    return x;
  });
  return { t, v };
}

describe('arousal model parts', () => {
  it('splits skin conductance: responses counted with their amplitudes above the tonic level', () => {
    const calm = edaComponents(eda([]));
    expect(calm.responses).toEqual([]);
    expect(calm.scrAmplitude).toBe(0);
    expect(calm.phasicMean).toBeLessThan(0.01);
    const aroused = edaComponents(eda([10, 25, 40].map((at) => ({ at, amp: 0.2 }))));
    expect(aroused.responses).toHaveLength(3);
    for (const a of aroused.responses) expect(a).toBeCloseTo(0.2, 1);
    expect(aroused.phasicMean).toBeGreaterThan(calm.phasicMean * 4);
    // A response smaller than the 0.03 µS threshold is noise.
    expect(edaComponents(eda([{ at: 20, amp: 0.02 }])).responses).toHaveLength(0);
    expect(Number.isNaN(edaComponents({ t: [0, 1], v: [2, 2] }).phasicMean)).toBe(true);
  });

  it('computes the window features in the order the model reads them, NaN where a signal is missing', () => {
    const f = physioFeatures({
      eda: eda([{ at: 30, amp: 0.3 }]),
      hr: { t: [0, 20, 40, 59], v: [80, 84, 88, 92] },
      temp: { t: [], v: [] },
      rrMs: [800, 820, 790, 810, 805],
      seconds: 60,
    });
    const at = (name: (typeof PHYSIO_FEATURES)[number]): number => f[PHYSIO_FEATURES.indexOf(name)]!;
    expect(at('scr_rate')).toBe(1);
    expect(at('scr_amplitude')).toBeCloseTo(0.3, 1);
    expect(at('hr_slope')).toBeCloseTo(12.1, 0);
    expect(at('sdnn')).toBeCloseTo(sdnn([800, 820, 790, 810, 805]), 9);
    expect(at('sdnn')).toBeCloseTo(11.18, 1);
    expect(Number.isNaN(at('temp_mean'))).toBe(true);
    expect(sdnn([800, 5000, 820])).toBeNaN();
  });

  it('normalises at two time scales: a sudden rise shows at both, a lasting one fades fast at the short scale', () => {
    const norm = new ArousalNorm();
    const usual = PHYSIO_FEATURES.map(() => 1);
    let z = norm.push(usual);
    for (let i = 0; i < 180; i++) z = norm.push(usual.map((v, j) => v + (j === 0 ? 0.1 * Math.sin(i) : 0)));
    expect(z).toHaveLength(AROUSAL_INPUTS.length);
    const raised = usual.map((v, j) => (j === 0 ? v + 1 : v));
    z = norm.push(raised);
    const slow = AROUSAL_INPUTS.indexOf('eda_tonic_15m');
    const fast = AROUSAL_INPUTS.indexOf('eda_tonic_2m');
    expect(z[slow]).toBeGreaterThan(3);
    expect(z[fast]).toBeGreaterThan(3);
    for (let i = 0; i < 24; i++) z = norm.push(raised); // 4 minutes later
    expect(z[fast]!).toBeLessThan(z[slow]! / 2);
  });

  it('Platt scaling recovers a known calibration, and the error measures see the difference', () => {
    const rand = seededRandom(3);
    const z = Array.from({ length: 4000 }, () => (rand() - 0.5) * 8);
    const y = z.map((v) => (rand() < 1 / (1 + Math.exp(-(0.5 * v - 1))) ? 1 : 0));
    const p = fitPlatt(z, y);
    expect(p.a).toBeCloseTo(0.5, 1);
    expect(p.c).toBeCloseTo(-1, 1);
    const raw = z.map((v) => 1 / (1 + Math.exp(-v)));
    const fixed = z.map((v) => 1 / (1 + Math.exp(-(p.a * v + p.c))));
    expect(calibrationError(fixed, y)).toBeLessThan(0.03);
    expect(calibrationError(raw, y)).toBeGreaterThan(0.15);
    expect(brier(fixed, y)).toBeLessThan(brier(raw, y));
  });

  it('the perceptron learns what a line cannot (XOR), deterministically, and the calibrated network folds it in', () => {
    const rand = seededRandom(5);
    const rows = Array.from({ length: 400 }, () => [rand() * 2 - 1, rand() * 2 - 1]);
    const x = Float32Array.from(rows.flat());
    const y = Uint8Array.from(rows.map(([a, b]) => (a! * b! > 0 ? 1 : 0)));
    const o = { hidden: 8, epochs: 600, rate: 0.03, l2: 1e-4, seed: 7 };
    const m = trainMlp(x, y, 2, o);
    const p = predictMlp(m, x);
    const correct = p.filter((v, i) => (v >= 0.5 ? 1 : 0) === y[i]).length;
    expect(correct / y.length).toBeGreaterThan(0.9);
    expect(trainMlp(x, y, 2, o).w1).toEqual(m.w1);
    const same = predictNetwork(calibrated(fromMlp(m), { a: 1, c: 0 }), x);
    same.forEach((v, i) => expect(v).toBeCloseTo(p[i]!, 5));
  });
});
