/** Held-out metrics for binary and multi-class models. */

/** Area under the ROC curve by ranks (ties get the average rank). NaN if a class is missing. */
export function auroc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const idx = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  const ranks = new Float64Array(scores.length);
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j + 1 < idx.length && scores[idx[j + 1]!] === scores[idx[i]!]) j++;
    for (let k = i; k <= j; k++) ranks[idx[k]!] = (i + j) / 2 + 1;
    i = j + 1;
  }
  let pos = 0;
  let sumPos = 0;
  for (let i = 0; i < labels.length; i++)
    if (labels[i] === 1) {
      pos++;
      sumPos += ranks[i]!;
    }
  const neg = labels.length - pos;
  if (pos === 0 || neg === 0) return NaN;
  return (sumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}

export function balancedAccuracy(scores: ArrayLike<number>, labels: ArrayLike<number>, threshold = 0.5): number {
  let tp = 0;
  let tn = 0;
  let p = 0;
  let n = 0;
  for (let i = 0; i < labels.length; i++) {
    const yes = scores[i]! >= threshold;
    if (labels[i] === 1) {
      p++;
      if (yes) tp++;
    } else {
      n++;
      if (!yes) tn++;
    }
  }
  return p > 0 && n > 0 ? (tp / p + tn / n) / 2 : NaN;
}

/** Macro-averaged F1 and accuracy over class labels. */
export function macroF1(
  predicted: readonly string[],
  actual: readonly string[],
): { macroF1: number; accuracy: number } {
  const classes = [...new Set(actual)];
  let correct = 0;
  for (let i = 0; i < actual.length; i++) if (predicted[i] === actual[i]) correct++;
  const f1s = classes.map((c) => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < actual.length; i++) {
      if (predicted[i] === c && actual[i] === c) tp++;
      else if (predicted[i] === c) fp++;
      else if (actual[i] === c) fn++;
    }
    return tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  });
  return {
    macroF1: f1s.reduce((a, b) => a + b, 0) / Math.max(1, classes.length),
    accuracy: actual.length > 0 ? correct / actual.length : NaN,
  };
}
