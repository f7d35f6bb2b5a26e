/**
 * What the box knows of a song: its duration, tempo and beats, downbeats and 8-count
 * phrases, sections and loudness, from mono PCM pushed chunk by chunk (ffmpeg decodes it in
 * drivers/media/analyse-song.ts): onset strength, loudness, beat grid and structure.
 *
 * Style priors: `bachata` looks for the tempo between 95 and 165 bpm around 128 (Bachata is
 * danced at ~110-150), which removes the half- and double-tempo errors a generic tracker makes
 * on its syncopated guitar; `any` keeps the generic prior (log-normal around 120 bpm).
 */
import { beatGrid, defaultBeatGrid, type BeatGrid, type BeatGridOptions } from './beat-grid.js';
import { HOP, OnsetStrength } from './onset-strength.js';
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
   * How sure the count is of its metrical level, 0.5-1: the chosen level's evidence over it
   * and the best octave's together (0.5: either is as likely). Absent before this was measured.
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
}

/** Analyses a song from its PCM, pushed in chunks at `options.sampleRate` (22 050 Hz by default). */
export class SongAnalyser {
  readonly options: BeatGridOptions;
  private readonly style: SongStyle;
  private readonly octave: -1 | 0 | 1;
  private readonly onset = new OnsetStrength();
  private readonly envelope: number[] = [];
  private readonly rms: number[] = [];
  private carry = new Float32Array(0);

  constructor(options: AnalyserOptions = {}) {
    this.style = options.style ?? 'any';
    this.octave = options.octave ?? 0;
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
    const grid = beatGrid(this.envelope, this.options, 2 ** this.octave);
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
    .sort((a, b) => b.score - a.score)[0];
  const total = chosen.score + (alt?.score ?? 0);
  return {
    tempoConfidence: total > 0 ? Math.round((chosen.score / total) * 1000) / 1000 : 1,
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
