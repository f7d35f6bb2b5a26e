/**
 * Windows of physiological features from a folder laid out like Stress-Predict
 * (`Raw_data/Sxx/{EDA,TEMP,HR,IBI}.csv` from an Empatica E4, `labels.csv` with
 * `subject,time,label` at 1 Hz: 0 baseline/relax, 1 stress task). Each subject's windows are
 * normalised causally against that subject's own history, as the live pipeline does
 * (inputs.ts).
 *
 * Training reads the recordings with the replay driver's pure E4 CSV parser (the one
 * exception to models/ importing only config: nothing the box loads at run time does this).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseE4Ibi, parseE4Signal, type E4Signal } from '../data/e4-csv.js';
import { physioFeatures } from '../features/physio.js';
import { ArousalNorm, AROUSAL_INPUTS, STEP_S, WINDOW_S } from './inputs.js';

export interface SubjectWindows {
  subject: string;
  /** model inputs, row-major [windows × AROUSAL_INPUTS] */
  x: Float32Array;
  y: Uint8Array;
  count: number;
}

function signal(dir: string, name: string): E4Signal {
  const r = parseE4Signal(readFileSync(join(dir, name), 'utf8'), `${dir}/${name}`, 1);
  if (!r.ok) throw new Error(r.reason);
  return r.value;
}

/** Indices of the samples of `s` whose time (Unix s) falls in (from, to]. */
function slice(s: E4Signal, from: number, to: number): { t: Float64Array; v: Float64Array } {
  const start = s.startMs / 1000;
  const i0 = Math.max(0, Math.floor((from - start) * s.rateHz) + 1);
  const i1 = Math.min(s.count, Math.floor((to - start) * s.rateHz) + 1);
  const n = Math.max(0, i1 - i0);
  const t = new Float64Array(n);
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    t[i] = start + (i0 + i) / s.rateHz;
    v[i] = s.values[i0 + i]!;
  }
  return { t, v };
}

export function readLabels(root: string): Map<string, Map<number, number>> {
  const bySubject = new Map<string, Map<number, number>>();
  const lines = readFileSync(join(root, 'labels.csv'), 'utf8').split(/\r?\n/);
  for (let i = 1; i < lines.length; i++) {
    const [subject, time, label] = lines[i]!.split(',');
    if (!subject || time === undefined || label === undefined) continue;
    let m = bySubject.get(subject);
    if (!m) bySubject.set(subject, (m = new Map<number, number>()));
    m.set(Number(time), Number(label));
  }
  return bySubject;
}

export function subjectWindows(root: string, subject: string, labels: Map<number, number>): SubjectWindows {
  const dir = join(root, 'Raw_data', subject);
  const eda = signal(dir, 'EDA.csv');
  const temp = signal(dir, 'TEMP.csv');
  const hr = signal(dir, 'HR.csv');
  const ibiFile = join(dir, 'IBI.csv');
  const ibi = existsSync(ibiFile) ? parseE4Ibi(readFileSync(ibiFile, 'utf8')) : undefined;
  const beats = ibi?.ok
    ? ibi.value.beats.map((b) => ({ t: ibi.value.startMs / 1000 + b.offsetMs / 1000, rrMs: b.ibiS * 1000 }))
    : [];
  const times = [...labels.keys()].sort((a, b) => a - b);
  const norm = new ArousalNorm();
  const xs: Float32Array[] = [];
  const ys: number[] = [];
  for (let end = times[0]! + WINDOW_S; end <= times[times.length - 1]!; end += STEP_S) {
    const from = end - WINDOW_S;
    const f = physioFeatures({
      eda: slice(eda, from, end),
      hr: slice(hr, from, end),
      temp: slice(temp, from, end),
      rrMs: beats.filter((b) => b.t > from && b.t <= end).map((b) => b.rrMs),
      seconds: WINDOW_S,
    });
    let sum = 0;
    let n = 0;
    for (let t = from + 1; t <= end; t++) {
      const l = labels.get(t);
      if (l !== undefined) {
        sum += l;
        n++;
      }
    }
    const z = norm.push(f);
    if (n < WINDOW_S / 2) continue; // a window mostly outside the labelled protocol teaches nothing
    xs.push(z);
    ys.push(sum / n >= 0.5 ? 1 : 0);
  }
  const width = AROUSAL_INPUTS.length;
  const x = new Float32Array(xs.length * width);
  xs.forEach((row, i) => x.set(row, i * width));
  return { subject, x, y: Uint8Array.from(ys), count: xs.length };
}

/** Every labelled subject of the folder, in name order. */
export function loadStressPredict(root: string): SubjectWindows[] {
  const labels = readLabels(root);
  const subjects = readdirSync(join(root, 'Raw_data'))
    .filter((s) => labels.has(s))
    .sort();
  return subjects.map((s) => subjectWindows(root, s, labels.get(s)!));
}

/** All windows of these subjects as one matrix [windows × features] and their labels. */
export function stack(
  sets: readonly SubjectWindows[],
  features = AROUSAL_INPUTS.length,
): { x: Float32Array; y: Uint8Array } {
  const n = sets.reduce((a, s) => a + s.count, 0);
  const x = new Float32Array(n * features);
  const y = new Uint8Array(n);
  let o = 0;
  for (const s of sets) {
    x.set(s.x, o * features);
    y.set(s.y, o);
    o += s.count;
  }
  return { x, y };
}
