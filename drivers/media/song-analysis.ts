/**
 * What the box knows of a song's time: its duration, tempo and beat times, and the 8-count
 * those beats make. Decoded by ffmpeg, onset strength and beat grid in TypeScript. The count
 * starts on the first beat until downbeat and phrase detection (issue 8) places the "1".
 */
import { beatGrid, defaultBeatGrid, type BeatGridOptions } from './beat-grid.js';
import { decodePcm } from './decode-pcm.js';
import { OnsetStrength } from './onset-strength.js';

export const ANALYSIS_VERSION = 1;

export interface SongAnalysis {
  version: number;
  durationS: number;
  /** Global tempo (bpm); null when the audio holds no steady beat. */
  tempo: number | null;
  /** Beat times in seconds. */
  beats: number[];
  /** Index into `beats` of a beat that counts "1". */
  firstCountBeat: number;
}

export async function analyseSong(file: string, options: Partial<BeatGridOptions> & { ffmpegPath?: string; signal?: AbortSignal } = {}): Promise<SongAnalysis> {
  const o = { ...defaultBeatGrid, ...options };
  const onset = new OnsetStrength();
  const envelope: number[] = [];
  const { samples, sampleRate } = await decodePcm(file, (pcm) => envelope.push(...onset.push(pcm)), {
    sampleRate: o.sampleRate,
    ...(options.ffmpegPath ? { ffmpegPath: options.ffmpegPath } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const grid = beatGrid(envelope, o);
  return {
    version: ANALYSIS_VERSION,
    durationS: Math.round((samples / sampleRate) * 1000) / 1000,
    tempo: grid && grid.beats.length >= 2 ? Math.round(grid.bpm * 100) / 100 : null,
    beats: grid && grid.beats.length >= 2 ? grid.beats.map((b) => Math.round(b * 10_000) / 10_000) : [],
    firstCountBeat: 0,
  };
}
