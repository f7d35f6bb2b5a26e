/**
 * A song's structure from its beats, onset strength and loudness: the energy curve, the
 * downbeats and 4/4 bars, the 8-count phrases, and the sections (intro, verse/derecho,
 * chorus/majao, break, outro). Pure functions of arrays, so they are tested on generated
 * signals with a known answer.
 *
 * - Downbeat: of the four beat phases, the one whose beats are loudest (onset strength plus
 *   low-frequency loudness). A phase must stand out by ACCENT_MARGIN; a song with no accent
 *   heard counts from its first beat.
 * - Phrase: of the two bar phases, the one where loudness changes most across the phrase
 *   start (music changes on phrase boundaries); again with a margin, else the first downbeat.
 * - Sections: phrases are grouped while their loudness stays close; a group is an intro (quiet,
 *   first), an outro (quiet, last), a break (short and much quieter than its neighbours), else
 *   a chorus/majao (louder half) or a verse/derecho.
 */

export interface EnergyCurve {
  /** Seconds between values. */
  stepS: number;
  /** Loudness 0..1 (RMS in dB over a 60 dB range, smoothed), one value per step. */
  values: number[];
}

export type SectionLabel = 'intro' | 'verse' | 'chorus' | 'break' | 'outro';

export interface Section {
  start: number;
  end: number;
  label: SectionLabel;
  /** The Bachata name for a verse (derecho) or chorus (majao). */
  bachata?: 'derecho' | 'majao';
  /** Mean loudness 0..1. */
  energy: number;
}

export interface Structure {
  energy: EnergyCurve;
  /** Indexes into beats of the downbeats ("1" of each bar). */
  downbeatIndexes: number[];
  /** Index into beats of the first phrase's "1". */
  firstCountBeat: number;
  /** Phrase start times (s): every 8 beats from the first phrase's "1". */
  phrases: number[];
  sections: Section[];
}

const ACCENT_MARGIN = 1.12;
const STEP_S = 0.5;

/** RMS per frame (hop `hopS` s) → a 2 Hz loudness curve, 0 at −60 dBFS and below, 1 at 0 dBFS. */
export function energyCurve(rms: ArrayLike<number>, hopS: number): EnergyCurve {
  const per = Math.max(1, Math.round(STEP_S / hopS));
  const values: number[] = [];
  for (let i = 0; i < rms.length; i += per) {
    let sq = 0;
    let n = 0;
    for (let j = i; j < Math.min(rms.length, i + per); j++) {
      sq += rms[j]! ** 2;
      n++;
    }
    const db = 20 * Math.log10(Math.sqrt(sq / Math.max(1, n)) + 1e-9);
    values.push(Math.max(0, Math.min(1, (db + 60) / 60)));
  }
  // three-point smoothing: a single loud hit is not a louder section
  const smoothed = values.map((v, i) => 0.25 * (values[i - 1] ?? v) + 0.5 * v + 0.25 * (values[i + 1] ?? v));
  // The true step (a whole number of hops), or the curve drifts against the beats over a song.
  return { stepS: Math.round(per * hopS * 1e6) / 1e6, values: smoothed.map((v) => Math.round(v * 1000) / 1000) };
}

const at = (curve: EnergyCurve, t: number): number =>
  curve.values[Math.max(0, Math.min(curve.values.length - 1, Math.floor(t / curve.stepS)))] ?? 0;

function meanBetween(curve: EnergyCurve, from: number, to: number): number {
  const a = Math.max(0, Math.floor(from / curve.stepS));
  const b = Math.min(curve.values.length, Math.max(a + 1, Math.ceil(to / curve.stepS)));
  let s = 0;
  for (let i = a; i < b; i++) s += curve.values[i]!;
  return b > a ? s / (b - a) : 0;
}

/**
 * `accent(i)`: how strongly beat i is played (onset strength at the beat). Returns the phase
 * 0..3 of the downbeats, or 0 when no phase stands out.
 */
export function downbeatPhase(beatCount: number, accent: (i: number) => number): number {
  if (beatCount < 8) return 0;
  const sums = [0, 0, 0, 0];
  const counts = [0, 0, 0, 0];
  for (let i = 0; i < beatCount; i++) {
    sums[i % 4]! += accent(i);
    counts[i % 4]!++;
  }
  const means = sums.map((s, p) => s / Math.max(1, counts[p]!));
  const order = [0, 1, 2, 3].sort((a, b) => means[b]! - means[a]!);
  return means[order[0]!]! > ACCENT_MARGIN * means[order[1]!]! ? order[0]! : 0;
}

export function songStructure(input: {
  beats: number[];
  durationS: number;
  energy: EnergyCurve;
  accent: (i: number) => number;
}): Structure {
  const { beats, durationS, energy } = input;
  if (beats.length < 8) {
    const e = Math.round(meanBetween(energy, 0, durationS) * 1000) / 1000;
    return {
      energy,
      downbeatIndexes: [],
      firstCountBeat: 0,
      phrases: [],
      sections: durationS > 0 ? [{ start: 0, end: durationS, label: 'verse', bachata: 'derecho', energy: e }] : [],
    };
  }
  const phase = downbeatPhase(beats.length, input.accent);
  const downbeatIndexes: number[] = [];
  for (let i = phase; i < beats.length; i += 4) downbeatIndexes.push(i);
  // Phrase phase: which bar of each pair starts an 8-count; music changes at phrase starts.
  const change = (i: number): number => {
    const t = beats[i]!;
    const period = (beats[Math.min(beats.length - 1, i + 1)]! - beats[Math.max(0, i - 1)]!) / 2 || 0.5;
    return (
      Math.abs(meanBetween(energy, t, t + 4 * period) - meanBetween(energy, t - 4 * period, t)) +
      (0.5 * input.accent(i)) / (1 + input.accent(i))
    );
  };
  const score = [0, 0];
  const n = [0, 0];
  downbeatIndexes.forEach((b, k) => {
    score[k % 2]! += change(b);
    n[k % 2]!++;
  });
  const m = score.map((s, q) => s / Math.max(1, n[q]!));
  const first = downbeatIndexes[m[1]! > ACCENT_MARGIN * m[0]! && downbeatIndexes.length > 1 ? 1 : 0]!;
  const phraseStarts: number[] = [];
  for (let i = first; i < beats.length; i += 8) phraseStarts.push(i);
  const phrases = phraseStarts.map((i) => beats[i]!);
  return {
    energy,
    downbeatIndexes,
    firstCountBeat: first,
    phrases: phrases.map(r4),
    sections: sections(phrases, beats, durationS, energy),
  };
}

const r4 = (x: number): number => Math.round(x * 10_000) / 10_000;
const r3 = (x: number): number => Math.round(x * 1000) / 1000;

function sections(phrases: number[], beats: number[], durationS: number, energy: EnergyCurve): Section[] {
  // Spans: the lead-in before the first phrase, each phrase, the tail after the last beat.
  const bounds = [
    0,
    ...phrases.filter((p) => p > 0.05),
    Math.min(durationS, (beats[beats.length - 1] ?? durationS) + 0.5),
    durationS,
  ].filter((t, i, a) => i === 0 || t > a[i - 1]! + 0.05);
  // A span's loudness leaves out one step at each edge: the smoothing lets the next part bleed in.
  const inner = (a: number, b: number): number =>
    b - a > 4 * energy.stepS ? meanBetween(energy, a + energy.stepS, b - energy.stepS) : meanBetween(energy, a, b);
  const raw = bounds.slice(0, -1).map((start, i) => ({ start, end: bounds[i + 1]!, e: inner(start, bounds[i + 1]!) }));
  // A lead-in or tail shorter than half a phrase belongs to its neighbour, not a section of its own.
  const phraseS = phrases.length > 1 ? (phrases[phrases.length - 1]! - phrases[0]!) / (phrases.length - 1) : 4;
  const spans = raw.filter(
    (s, i) => !((i === 0 || i === raw.length - 1) && s.end - s.start < phraseS / 2 && raw.length > 1),
  );
  if (spans.length > 0) {
    spans[0]!.start = 0;
    spans[spans.length - 1]!.end = durationS;
  }
  // Group neighbouring spans whose loudness stays within 0.08 (about 5 dB) of the group's mean.
  const groups: { start: number; end: number; es: number[]; weights: number[] }[] = [];
  for (const s of spans) {
    const g = groups[groups.length - 1];
    const gm = g ? weighted(g) : 0;
    if (g && Math.abs(s.e - gm) < 0.08) {
      g.end = s.end;
      g.es.push(s.e);
      g.weights.push(s.end - s.start);
    } else {
      groups.push({ start: s.start, end: s.end, es: [s.e], weights: [s.end - s.start] });
    }
  }
  const es = groups.map(weighted);
  const sorted = [...es].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  const loudest = sorted[sorted.length - 1] ?? 0;
  const labelled = groups.map((g, i) => {
    const e = es[i]!;
    const len = g.end - g.start;
    const neighbours = [es[i - 1], es[i + 1]].filter((x): x is number => x !== undefined);
    const around = neighbours.length ? neighbours.reduce((a, b) => a + b, 0) / neighbours.length : e;
    let label: SectionLabel;
    if (i === 0 && groups.length > 1 && e < loudest - 0.1) label = 'intro';
    else if (i === groups.length - 1 && groups.length > 1 && e < loudest - 0.1) label = 'outro';
    else if (neighbours.length === 2 && e < around - 0.15 && len <= 0.25 * durationS) label = 'break';
    else label = e >= median && e > loudest - 0.1 ? 'chorus' : 'verse';
    const bachata: Section['bachata'] = label === 'chorus' ? 'majao' : label === 'verse' ? 'derecho' : undefined;
    return { start: g.start, end: g.end, label, ...(bachata && { bachata }), energy: e };
  });
  // Neighbours with the same label are one section (a chorus whose last phrase dips is still the chorus).
  const merged: Section[] = [];
  for (const s of labelled) {
    const prev = merged[merged.length - 1];
    if (prev && prev.label === s.label) {
      const a = prev.end - prev.start;
      const b = s.end - s.start;
      prev.energy = (prev.energy * a + s.energy * b) / (a + b);
      prev.end = s.end;
    } else {
      merged.push({ ...s });
    }
  }
  return merged.map((s) => ({ ...s, start: r3(s.start), end: r3(s.end), energy: r3(s.energy) }));
}

function weighted(g: { es: number[]; weights: number[] }): number {
  let s = 0;
  let w = 0;
  g.es.forEach((e, i) => {
    s += e * g.weights[i]!;
    w += g.weights[i]!;
  });
  return w > 0 ? s / w : 0;
}

export { at as energyAt };
