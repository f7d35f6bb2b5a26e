/**
 * What the box knows of a song: its duration, tempo and beats, downbeats and 8-count
 * phrases, sections and loudness, from mono PCM pushed chunk by chunk (ffmpeg decodes it in
 * drivers/media/analyse-song.ts): onset strength, loudness, beat grid and structure.
 *
 * Which metrical level is counted: under `any`, the level model (tempo-level.ts) decides from
 * evidence about each candidate level; under `bachata`, the style's prior alone decides: the
 * tempo between 95 and 165 bpm around 128 (Bachata is danced at ~110-150), which removes the
 * half- and double-tempo errors a generic tracker makes on its syncopated guitar.
 */
import { beatGrid, defaultBeatGrid, type BeatGrid, type BeatGridOptions } from './beat-grid.js';
import { HOP, OnsetStrength } from './onset-strength.js';
import { levelModel } from './tempo-level.js';
import { energyCurve, songStructure, type EnergyCurve, type Section } from './song-structure.js';

export const ANALYSIS_VERSION = 2;

export type SongStyle = 'any' | 'bachata';

export const stylePriors: Record<SongStyle, Partial<BeatGridOptions>> = {
  any: {},
  bachata: { minBpm: 95, maxBpm: 165, priorBpm: 128, priorOctaves: 0.35 },
};

export interface SongAnalysis {
  version: number;
  durationS: number;
  /** Global tempo (bpm); null when the audio holds no steady beat. */
  tempo: number | null;
  /** Beat times in seconds. */
  beats: number[];
  /** Index into `beats` of a beat that counts "1" (the first phrase's first beat). */
  firstCountBeat: number;
  /**
   * How sure the analysis is of the level counted against its best octave, 0-1: the softmax of
   * their evidence (0.5: either is as likely; below 0.5 once someone chose the other octave).
   * Absent before this was measured.
   */
  tempoConfidence?: number;
  /** The octave a listener may count instead ("half time" or "double time"), when one is in range. */
  alternativeTempo?: { bpm: number; relation: 'half' | 'double' } | null;
  /** Counted an octave faster (1) or slower (-1) than heard, at someone's choice; absent: as heard. */
  octave?: -1 | 1;
  /** Analysis version 2 and later: */
  style?: SongStyle;
  /** Downbeat times (s): the "1" of each 4/4 bar. */
  downbeats?: number[];
  /** Phrase start times (s): the "1" of each 8-count. */
  phrases?: number[];
  sections?: Section[];
  energy?: EnergyCurve;
}

export interface AnalyserOptions extends Partial<BeatGridOptions> {
  style?: SongStyle;
  /** Count at the level heard (0), or an octave faster (1, double time) or slower (-1, half time). */
  octave?: -1 | 0 | 1;
  /** The level model's weights (training tries its own; the committed ones otherwise). */
  levelWeights?: readonly number[];
}

/** Analyses a song from its PCM, pushed in chunks at `options.sampleRate` (22 050 Hz by default). */
export class SongAnalyser {
  readonly options: BeatGridOptions;
  private readonly style: SongStyle;
  private readonly octave: -1 | 0 | 1;
  private readonly levelWeights: readonly number[] | undefined;
  private readonly onset = new OnsetStrength();
  private readonly envelope: number[] = [];
  private readonly rms: number[] = [];
  private carry = new Float32Array(0);

  constructor(options: AnalyserOptions = {}) {
    this.style = options.style ?? 'any';
    this.octave = options.octave ?? 0;
    this.levelWeights = options.levelWeights;
    this.options = { ...defaultBeatGrid, ...stylePriors[this.style], ...definedGridOptions(options) };
  }

  push(pcm: Float32Array): void {
    this.envelope.push(...this.onset.push(pcm));
    // loudness per hop, on the same clock as the onset frames
    const all = new Float32Array(this.carry.length + pcm.length);
    all.set(this.carry);
    all.set(pcm, this.carry.length);
    let i = 0;
    for (; i + HOP <= all.length; i += HOP) {
      let sq = 0;
      for (let j = i; j < i + HOP; j++) sq += all[j]! ** 2;
      this.rms.push(Math.sqrt(sq / HOP));
    }
    this.carry = all.slice(i);
  }

  /** The analysis of everything pushed: `samples` in all, at `sampleRate`. */
  finish(samples: number, sampleRate: number): SongAnalysis {
    const { rms, style } = this;
    const durationS = Math.round((samples / sampleRate) * 1000) / 1000;
    const grid = beatGrid(
      this.envelope,
      this.options,
      this.octave,
      this.style === 'any' ? levelModel(this.levelWeights) : undefined,
    );
    const beats = grid && grid.beats.length >= 2 ? grid.beats.map((b) => Math.round(b * 10_000) / 10_000) : [];
    const fr = sampleRate / HOP;
    // How hard a beat is played: the loudest hop within 100 ms of it. Loudness, not onset
    // strength: spectral flux is logarithmic and hears a soft hi-hat almost as well as a kick.
    const accent = (i: number): number => {
      const f = Math.floor(beats[i]! * fr - 1);
      let m = 0;
      for (let k = f - 1; k <= f + Math.ceil(0.1 * fr); k++) m = Math.max(m, rms[k] ?? 0);
      return m;
    };
    const structure = songStructure({ beats, durationS, energy: energyCurve(rms, HOP / sampleRate), accent });
    const tempo = beats.length >= 2 && grid ? Math.round(grid.bpm * 100) / 100 : null;
    const level = grid && tempo !== null ? octave(grid, tempo) : undefined;
    return {
      version: ANALYSIS_VERSION,
      durationS,
      tempo,
      ...(level ?? {}),
      ...(this.octave !== 0 && { octave: this.octave }),
      beats,
      firstCountBeat: structure.firstCountBeat,
      style,
      downbeats: structure.downbeatIndexes.map((i) => beats[i]!),
      phrases: structure.phrases,
      sections: structure.sections,
      energy: structure.energy,
    };
  }
}

/** The confidence in the chosen level and its best octave (sync with SongAnalysis's fields). */
function octave(grid: BeatGrid, tempo: number): Pick<SongAnalysis, 'tempoConfidence' | 'alternativeTempo'> {
  const chosen = grid.candidates[0]!;
  // The octaves of the level counted (after a switch to half time, the level heard is its double).
  const alt = grid.candidates
    .filter((c) => c.ratio === chosen.ratio * 2 || c.ratio === chosen.ratio / 2)
    .sort((a, b) => b.evidence - a.evidence)[0];
  return {
    tempoConfidence: alt ? Math.round(1000 / (1 + Math.exp(alt.evidence - chosen.evidence))) / 1000 : 1,
    alternativeTempo: alt
      ? {
          bpm: Math.round(((tempo * alt.ratio) / chosen.ratio) * 100) / 100,
          relation: alt.ratio > chosen.ratio ? 'double' : 'half',
        }
      : null,
  };
}

function definedGridOptions(o: Partial<BeatGridOptions>): Partial<BeatGridOptions> {
  const out: Partial<BeatGridOptions> = {};
  for (const k of ['sampleRate', 'minBpm', 'maxBpm', 'priorBpm', 'priorOctaves', 'tightness'] as const)
    if (o[k] !== undefined) out[k] = o[k];
  return out;
}
