/**
 * A validation set for tempo that can be regenerated anywhere: multi-instrument songs at known
 * tempi, rendered sample by sample from a seeded generator. Each genre has its own drum, bass
 * and chord patterns on a 16th-note grid (a waltz on a 12-step bar of three beats), swing where
 * the genre swings, syncopated chords, a chord change every bar (the harmonic change a
 * listener hears as "one"), slight timing and velocity humanisation, and a tempo range. The
 * labelled tempo is the beat a dancer counts (quarter notes; the waltz's three).
 */

import { seededRandom } from '../random.js';

export interface SynthSong {
  genre: Genre;
  bpm: number;
  seed: number;
  sampleRate: number;
  pcm: Float32Array;
}

export type Genre = 'pop' | 'rock' | 'ballad' | 'jazz' | 'waltz' | 'country' | 'bachata' | 'reggaeton' | 'dnb';

type Voice = 'kick' | 'snare' | 'hat' | 'ride' | 'bass' | 'chord' | 'bongo';

interface Pattern {
  /** The bpm range songs of the genre are drawn from. */
  range: [number, number];
  /** Steps per bar (16ths): 16 in 4/4, 12 in 3/4. */
  steps: number;
  /** Where each 8th's offbeat falls, as a share of the beat (0.5 straight, 0.62-0.67 swung). */
  swing: number;
  hits: Partial<Record<Voice, number[]>>;
}

export const genres: Record<Genre, Pattern> = {
  pop: {
    range: [90, 130],
    steps: 16,
    swing: 0.5,
    hits: {
      kick: [0, 8, 10],
      snare: [4, 12],
      hat: [0, 2, 4, 6, 8, 10, 12, 14],
      bass: [0, 3, 8, 11],
      chord: [0, 6, 8, 14],
    },
  },
  rock: {
    range: [100, 160],
    steps: 16,
    swing: 0.5,
    hits: {
      kick: [0, 6, 8],
      snare: [4, 12],
      hat: [0, 2, 4, 6, 8, 10, 12, 14],
      bass: [0, 2, 4, 6, 8, 10, 12, 14],
      chord: [0, 8],
    },
  },
  ballad: {
    range: [60, 84],
    steps: 16,
    swing: 0.5,
    hits: { kick: [0, 10], snare: [8], hat: [0, 2, 4, 6, 8, 10, 12, 14], bass: [0, 8], chord: [0, 4, 8, 12] },
  },
  jazz: {
    range: [100, 200],
    steps: 16,
    swing: 0.64,
    hits: { ride: [0, 4, 6, 8, 12, 14], hat: [4, 12], bass: [0, 4, 8, 12], chord: [6, 14] },
  },
  waltz: { range: [84, 180], steps: 12, swing: 0.5, hits: { kick: [0], bass: [0], chord: [4, 8], hat: [0, 4, 8] } },
  country: {
    range: [90, 170],
    steps: 16,
    swing: 0.55,
    hits: { kick: [0, 8], snare: [4, 12], hat: [2, 6, 10, 14], bass: [0, 8], chord: [2, 6, 10, 14] },
  },
  bachata: {
    range: [110, 150],
    steps: 16,
    swing: 0.5,
    hits: {
      bongo: [0, 2, 4, 6, 8, 10, 12, 14],
      hat: [0, 2, 4, 6, 8, 10, 12, 14],
      bass: [0, 6, 8, 12],
      chord: [0, 2, 5, 7, 8, 10, 13, 15],
      kick: [12],
    },
  },
  reggaeton: {
    range: [84, 104],
    steps: 16,
    swing: 0.5,
    hits: { kick: [0, 4, 8, 12], snare: [3, 6, 11, 14], hat: [0, 2, 4, 6, 8, 10, 12, 14], bass: [0, 8], chord: [0, 8] },
  },
  dnb: {
    range: [160, 180],
    steps: 16,
    swing: 0.5,
    hits: {
      kick: [0, 10],
      snare: [4, 12],
      hat: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
      bass: [0, 3, 10],
      chord: [0],
    },
  },
};

export const genreNames = Object.keys(genres) as Genre[];

/** I-V-vi-IV in A: the root of each bar's chord (Hz) and its triad as ratios. */
const ROOTS = [110, 164.81, 185, 146.83];
const TRIADS = [
  [1, 1.26, 1.5],
  [1, 1.26, 1.5],
  [1, 1.19, 1.5],
  [1, 1.26, 1.5],
];

function voice(v: Voice, bar: number, rate: number, random: () => number): Float32Array {
  const len = Math.round(rate * (v === 'chord' ? 0.35 : v === 'bass' ? 0.25 : v === 'kick' ? 0.18 : 0.09));
  const out = new Float32Array(len);
  const root = ROOTS[bar % 4]!;
  for (let i = 0; i < len; i++) {
    const t = i / rate;
    const noise = random() * 2 - 1;
    switch (v) {
      case 'kick':
        out[i] = Math.sin(2 * Math.PI * (50 * t + 350 * t * Math.exp(-t * 25))) * Math.exp(-t * 22);
        break;
      case 'snare':
        out[i] = (0.7 * noise + 0.4 * Math.sin(2 * Math.PI * 190 * t)) * Math.exp(-t * 30);
        break;
      case 'hat':
        out[i] = 0.35 * noise * Math.exp(-t * 90);
        break;
      case 'ride':
        out[i] = 0.3 * (noise * 0.6 + Math.sin(2 * Math.PI * 3100 * t)) * Math.exp(-t * 25);
        break;
      case 'bongo':
        out[i] = 0.5 * Math.sin(2 * Math.PI * (420 - 200 * t) * t) * Math.exp(-t * 45);
        break;
      case 'bass':
        out[i] = 0.6 * Math.sin(2 * Math.PI * (root / 2) * t) * Math.exp(-t * 8);
        break;
      case 'chord': {
        let s = 0;
        for (const r of TRIADS[bar % 4]!)
          for (let h = 1; h <= 3; h++) s += Math.sin(2 * Math.PI * root * 2 * r * h * t) / h;
        out[i] = 0.12 * s * Math.exp(-t * 9);
        break;
      }
    }
  }
  return out;
}

/** A song of `genre` at `bpm` (drawn from the genre's range when absent), `seconds` long. */
export function synthSong(genre: Genre, seed: number, seconds = 30, sampleRate = 22_050, bpm?: number): SynthSong {
  const random = seededRandom(seed);
  const p = genres[genre];
  const tempo = bpm ?? Math.round((p.range[0] + random() * (p.range[1] - p.range[0])) * 10) / 10;
  const beat = 60 / tempo;
  const beatsPerBar = p.steps / 4;
  const pcm = new Float32Array(Math.round(seconds * sampleRate));
  const lead = 0.5 + random(); // silence before the music
  const bars = Math.ceil((seconds - lead) / (beat * beatsPerBar));
  for (let bar = 0; bar < bars; bar++)
    for (const [v, steps] of Object.entries(p.hits) as [Voice, number[]][])
      for (const step of steps) {
        const beatIndex = Math.floor(step / 4);
        const within = step % 4;
        // 16ths: the offbeat 8th moves with the swing; the others stay on their quarter.
        const frac = within === 2 ? p.swing : within === 1 ? p.swing / 2 : within === 3 ? (1 + p.swing) / 2 : 0;
        const at = lead + (bar * beatsPerBar + beatIndex + frac) * beat + (random() - 0.5) * 0.012;
        const start = Math.round(at * sampleRate);
        if (start >= pcm.length) continue;
        // Accents: the bar's first beat loudest, offbeats softer, a little velocity noise.
        const gain = (step === 0 ? 1 : within === 0 ? 0.8 : 0.6) * (0.85 + 0.3 * random());
        const s = voice(v, bar, sampleRate, random);
        for (let i = 0; i < s.length && start + i < pcm.length; i++) pcm[start + i]! += gain * s[i]!;
      }
  let peak = 0;
  for (const x of pcm) peak = Math.max(peak, Math.abs(x));
  if (peak > 0) for (let i = 0; i < pcm.length; i++) pcm[i]! /= peak * 1.1;
  return { genre, bpm: tempo, seed, sampleRate, pcm };
}
