/**
 * Generated drum tracks with a known answer: beats, downbeats, phrases and sections. Each
 * part is a number of 4/4 bars at a tempo and loudness; kick on 1 (accented) and 3, snare on
 * 2 and 4, hi-hat on the eighths; `silent` parts are near-silence. Written as 16-bit mono WAV.
 */
import { writeFileSync } from 'node:fs';

export interface Part {
  bars: number;
  bpm: number;
  /** Overall loudness 0..1. */
  gain: number;
  /** Only hi-hats (a break), or nothing at all. */
  kind?: 'full' | 'hats' | 'silent';
  label?: string;
}

/** A Bachata-tempo song in six sections, each a whole number of phrases (the structure tests' song). */
export const sectionedSong: Part[] = [
  { bars: 8, bpm: 128, gain: 0.15, label: 'intro' },
  { bars: 16, bpm: 128, gain: 0.4, label: 'verse' },
  { bars: 16, bpm: 128, gain: 1, label: 'chorus' },
  { bars: 4, bpm: 128, gain: 0.1, kind: 'hats', label: 'break' },
  { bars: 16, bpm: 128, gain: 1, label: 'chorus' },
  { bars: 8, bpm: 128, gain: 0.15, label: 'outro' },
];

export interface DrumTrack {
  wav: Uint8Array;
  beats: number[];
  downbeats: number[];
  /** Part boundaries (s) with their labels. */
  parts: { start: number; end: number; label: string }[];
  durationS: number;
}

export function drumTrack(
  parts: Part[],
  o: { rate?: number; leadS?: number; pickupBeats?: number; tailS?: number; seed?: number } = {},
): DrumTrack {
  const rate = o.rate ?? 22_050;
  const leadS = o.leadS ?? 0.5;
  const events: { t: number; kind: 'kick' | 'snare' | 'hat'; amp: number }[] = [];
  const beats: number[] = [];
  const downbeats: number[] = [];
  const spans: DrumTrack['parts'] = [];
  let t = leadS;
  // a pickup: the last beats of a bar before the first "1" (so the first beat is not a downbeat)
  const pickup = o.pickupBeats ?? 0;
  const p0 = 60 / parts[0]!.bpm;
  for (let b = 0; b < pickup; b++) {
    const bt = t + b * p0;
    beats.push(bt);
    events.push(
      { t: bt, kind: 'snare', amp: 0.3 * parts[0]!.gain },
      { t: bt, kind: 'hat', amp: 0.15 * parts[0]!.gain },
    );
  }
  t += pickup * p0;
  for (const part of parts) {
    const period = 60 / part.bpm;
    const start = t;
    for (let bar = 0; bar < part.bars; bar++) {
      for (let beat = 0; beat < 4; beat++) {
        const bt = t + (bar * 4 + beat) * period;
        if (part.kind !== 'silent') {
          beats.push(bt);
          if (beat === 0) downbeats.push(bt);
        }
        const g = part.gain;
        if (part.kind === 'silent') continue;
        if (part.kind !== 'hats') {
          if (beat === 0) events.push({ t: bt, kind: 'kick', amp: 1.0 * g });
          if (beat === 2) events.push({ t: bt, kind: 'kick', amp: 0.55 * g });
          if (beat === 1 || beat === 3) events.push({ t: bt, kind: 'snare', amp: 0.45 * g });
        }
        events.push({ t: bt, kind: 'hat', amp: 0.18 * g }, { t: bt + period / 2, kind: 'hat', amp: 0.1 * g });
      }
    }
    t += part.bars * 4 * period;
    spans.push({ start, end: t, label: part.label ?? '' });
  }
  const durationS = t + (o.tailS ?? 1);
  const n = Math.round(durationS * rate);
  const pcm = new Float32Array(n);
  let seed = o.seed ?? 12_345;
  const noise = (): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 1_073_741_824 - 1;
  };
  for (let i = 0; i < n; i++) pcm[i] = noise() * 0.0005;
  for (const e of events) {
    const i0 = Math.round(e.t * rate);
    const len = Math.round((e.kind === 'kick' ? 0.12 : e.kind === 'snare' ? 0.09 : 0.03) * rate);
    for (let k = 0; k < len && i0 + k < n; k++) {
      const s = k / rate;
      const env = Math.exp(-s * (e.kind === 'kick' ? 30 : e.kind === 'snare' ? 40 : 150));
      const v =
        e.kind === 'kick'
          ? Math.sin(2 * Math.PI * (110 - 60 * Math.min(1, s * 20)) * s)
          : e.kind === 'snare'
            ? 0.6 * noise() + 0.4 * Math.sin(2 * Math.PI * 190 * s)
            : noise();
      pcm[i0 + k]! += e.amp * env * v;
    }
  }
  const bytes = new Uint8Array(44 + n * 2);
  const view = new DataView(bytes.buffer);
  const ascii = (off: number, s: string) => [...s].forEach((c, i) => view.setUint8(off + i, c.charCodeAt(0)));
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + n * 2, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, rate, true);
  view.setUint32(28, rate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  ascii(36, 'data');
  view.setUint32(40, n * 2, true);
  for (let i = 0; i < n; i++) view.setInt16(44 + i * 2, Math.round(Math.max(-1, Math.min(1, pcm[i]!)) * 32_767), true);
  return { wav: bytes, beats, downbeats, parts: spans, durationS };
}

export function writeDrumTrack(file: string, track: DrumTrack): string {
  writeFileSync(file, track.wav);
  return file;
}
