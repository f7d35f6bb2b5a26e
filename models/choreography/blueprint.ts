/**
 * The blueprint: a sequence of moves laid over the song's 8-count phrases, found by beam search.
 *
 * Objective (minimised, the sum over the moves chosen):
 *   4 × |difficulty − target| / 4
 * + 3 × |energy − the section's energy|   (the section's loudness rescaled 0..1 across the song, pulled toward the requested energy)
 * + 2   for a move used in the last 4 moves, 1 in the 4 before (no near repeats), + 0.3 per earlier use,
 *       + 0.5 for one whose main tag repeats the previous move's
 * + 0.4 for a pure transition (a move that only changes hold)
 * + 0.5 for an 8- or 16-count move starting on the 5
 * − 0.8 per requested focus tag the move has
 * − 1   for an ending move as the very last, + 2 for one anywhere else
 * Hard rules: a move starts in the hold the previous one ended in; difficulty ≤ the maximum;
 * the style, when asked for; no excluded tag; the moves fill the counts exactly.
 * Ties and near-ties are broken by a small seeded jitter, so a seed gives one blueprint and
 * another seed a different, equally good one.
 */
import type { Hold, Move } from '../../config/moves.js';
import type { SongAnalysis } from '../music/song-analysis.js';
import { seededRandom } from '../random.js';
import type { ChoreoParams } from './request.js';

/** A move placed on the song: the video's step (its timing; startCount from the first phrase's "1") plus why and where. */
export interface VideoStep {
  moveId: string;
  name: string;
  counts: number;
  /** Counts from the routine's first "1" (so the overlay starts at 1 or 5). */
  startCount: number;
  startS: number;
  endS: number;
  /** A filmed clip of the move, if the library has one. */
  clip?: string;
}

export interface BlueprintStep extends Omit<VideoStep, 'clip'> {
  section: string;
  from: Hold;
  to: Hold;
  why: string[];
}

export interface Blueprint {
  seed: number;
  tempo: number;
  /** Seconds of the song covered, from the first phrase's "1". */
  startS: number;
  endS: number;
  totalCounts: number;
  objective: number;
  steps: BlueprintStep[];
  params: ChoreoParams;
  /** Where the plan could not be what was asked, in words (a length longer than the song, say). */
  notes: string[];
}

export class BlueprintError extends Error {}

const BEAM = 48;
const START_HOLDS: Hold[] = ['closed', 'open'];

interface State {
  cost: number;
  count: number;
  hold: Hold;
  steps: { move: Move; start: number; cost: number; why: string[] }[];
}

export function planBlueprint(analysis: SongAnalysis, library: Move[], params: ChoreoParams, seed = 1): Blueprint {
  const tempo = analysis.tempo;
  if (!tempo || analysis.beats.length < 8)
    throw new BlueprintError('the song has no steady beat to dance to (analysis found no tempo)');
  const period = 60 / tempo;
  const first = analysis.beats[analysis.firstCountBeat] ?? analysis.beats[0]!;
  const songEnd = analysis.durationS;
  const wanted = params.durationS === null ? songEnd - first : Math.min(params.durationS, songEnd - first);
  const totalCounts = Math.floor(wanted / period / 4) * 4; // whole half-phrases
  if (totalCounts < 8)
    throw new BlueprintError(`the song leaves ${wanted.toFixed(1)} s from its first count: too short for one 8-count`);
  const timeOf = (count: number): number => {
    const i = analysis.firstCountBeat + count;
    return i < analysis.beats.length
      ? analysis.beats[i]!
      : analysis.beats[analysis.beats.length - 1]! + (i - analysis.beats.length + 1) * period;
  };
  const sections = analysis.sections ?? [{ start: 0, end: songEnd, label: 'verse' as const, energy: 0.5 }];
  const es = sections.map((s) => s.energy);
  const lo = Math.min(...es);
  const hi = Math.max(...es);
  const sectionAt = (t: number) => sections.find((s) => t >= s.start && t < s.end) ?? sections[sections.length - 1]!;
  /** The energy a move at this count should have: the section's, relative to the song, pulled toward the request. */
  const targetEnergy = (count: number): { e: number; label: string } => {
    const s = sectionAt(timeOf(count));
    const rel = hi > lo ? (s.energy - lo) / (hi - lo) : 0.5;
    return { e: 0.6 * rel + 0.4 * params.energy, label: s.label };
  };

  const usable = library.filter(
    (m) =>
      m.difficulty <= params.maxDifficulty &&
      (params.style === null || m.styles.includes(params.style)) &&
      !m.tags.some((t) => params.exclude.includes(t)),
  );
  if (usable.length === 0)
    throw new BlueprintError(
      `no move in the library fits: difficulty ≤ ${params.maxDifficulty}${params.style ? `, style ${params.style}` : ''}${params.exclude.length ? `, without ${params.exclude.join(', ')}` : ''}`,
    );
  const jitter = seededRandom(seed);
  // Which holds can still fill the remaining counts exactly: the search never walks into a dead end.
  const fills = new Map<number, Set<Hold>>([[0, new Set(START_HOLDS.concat(usable.map((m) => m.end)))]]);
  for (let r = 4; r <= totalCounts; r += 4) {
    const ok = new Set<Hold>();
    for (const m of usable) if (m.counts <= r && fills.get(r - m.counts)?.has(m.end)) ok.add(m.start);
    fills.set(r, ok);
  }
  if (!START_HOLDS.some((h) => fills.get(totalCounts)!.has(h)))
    throw new BlueprintError(
      'no sequence of moves fills the song with these constraints (hold continuity); allow more moves or another style',
    );

  let beam: State[] = START_HOLDS.filter((h) => fills.get(totalCounts)!.has(h)).map((hold) => ({
    cost: 0,
    count: 0,
    hold,
    steps: [],
  }));
  const done: State[] = [];
  while (beam.length > 0) {
    const next: State[] = [];
    for (const s of beam) {
      if (s.count === totalCounts) {
        done.push(s);
        continue;
      }
      for (const m of usable) {
        if (
          m.start !== s.hold ||
          s.count + m.counts > totalCounts ||
          !fills.get(totalCounts - s.count - m.counts)!.has(m.end)
        )
          continue;
        const { cost, why } = moveCost(m, s, targetEnergy(s.count), params, s.count + m.counts === totalCounts);
        next.push({
          cost: s.cost + cost + jitter() * 0.05,
          count: s.count + m.counts,
          hold: m.end,
          steps: [...s.steps, { move: m, start: s.count, cost, why }],
        });
      }
    }
    // Keep the best few per (count, hold): states that can still finish alike compete fairly.
    next.sort((a, b) => a.cost / Math.max(1, a.count) - b.cost / Math.max(1, b.count));
    beam = next.slice(0, BEAM);
  }
  if (done.length === 0)
    throw new BlueprintError(
      'no sequence of moves fills the song with these constraints (hold continuity); allow more moves or another style',
    );
  done.sort((a, b) => a.cost - b.cost);
  const best = done[0]!;
  return {
    seed,
    tempo,
    startS: round(first),
    endS: round(timeOf(totalCounts)),
    totalCounts,
    objective: round(best.steps.reduce((a, s) => a + s.cost, 0)),
    params,
    notes:
      params.durationS !== null && params.durationS > songEnd - first
        ? [
            `asked for ${params.durationS} s, but the song has ${(songEnd - first).toFixed(1)} s from its first count: the routine covers ${(timeOf(totalCounts) - first).toFixed(1)} s`,
          ]
        : [],
    steps: best.steps.map((s) => ({
      moveId: s.move.id,
      name: s.move.name,
      counts: s.move.counts,
      startCount: s.start,
      startS: round(timeOf(s.start)),
      endS: round(timeOf(s.start + s.move.counts)),
      section: targetEnergy(s.start).label,
      from: s.move.start,
      to: s.move.end,
      why: s.why,
    })),
  };
}

function moveCost(
  m: Move,
  s: State,
  target: { e: number; label: string },
  p: ChoreoParams,
  last: boolean,
): { cost: number; why: string[] } {
  const why: string[] = [];
  let cost = (4 * Math.abs(m.difficulty - p.targetDifficulty)) / 4;
  const de = Math.abs(m.energy - target.e);
  cost += 3 * de;
  if (de < 0.15) why.push(`energy ${m.energy} suits the ${target.label} (${target.e.toFixed(2)})`);
  if (m.difficulty <= p.targetDifficulty + 0.5) why.push(`difficulty ${m.difficulty} fits ${p.level}`);
  const recent = s.steps
    .slice(-8)
    .map((x) => x.move.id)
    .reverse();
  const ago = recent.indexOf(m.id);
  if (ago >= 0) cost += ago < 4 ? 2 : 1;
  const uses = s.steps.filter((x) => x.move.id === m.id).length;
  cost += 0.3 * uses;
  if (uses === 0 && s.steps.length > 0) why.push('not danced yet in this routine');
  const prev = s.steps[s.steps.length - 1]?.move;
  if (prev && prev.tags[0] === m.tags[0] && !m.tags.includes('basic')) cost += 0.5;
  if (m.tags.includes('transition')) {
    cost += 0.4;
    why.push(`moves the hold from ${m.start} to ${m.end}`);
  }
  if (m.counts >= 8 && s.count % 8 === 4) cost += 0.5;
  const hits = m.tags.filter((t) => p.focus.includes(t));
  if (hits.length) {
    cost -= 0.8 * hits.length;
    why.push(`asked for: ${hits.join(', ')}`);
  }
  if (m.tags.includes('ending')) {
    if (last) {
      cost -= 1;
      why.push('ends the routine');
    } else {
      cost += 2;
    }
  }
  if (prev) why.push(`starts in ${m.start}, where ${prev.name} ends`);
  return { cost, why };
}

const round = (x: number): number => Math.round(x * 1000) / 1000;
