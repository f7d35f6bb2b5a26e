/** The figures the arousal model is judged by, for training's card and `codance model eval arousal`. */
import { auroc, balancedAccuracy } from '../metrics.js';
import { brier, calibrationError } from './calibration.js';

const round = (v: number): number => Math.round(v * 1000) / 1000;

export interface Scores {
  auroc: number;
  balancedAccuracy: number;
  brier: number;
  calibrationError: number;
  subjects: number;
  windows: number;
}

export function scores(p: ArrayLike<number>, y: ArrayLike<number>, subjects: number): Scores {
  return {
    auroc: round(auroc(p, y)),
    balancedAccuracy: round(balancedAccuracy(p, y)),
    brier: round(brier(p, y)),
    calibrationError: round(calibrationError(p, y)),
    subjects,
    windows: y.length,
  };
}
