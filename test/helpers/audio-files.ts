/**
 * Audio for API tests: WAV files made in memory (silence, a click track with a known beat
 * grid, any float PCM) and the multipart forms that upload them as songs or samples.
 */

let seq = 0;

/** A tiny valid PCM WAV (8 kHz mono 16-bit, 0.1 s of silence). */
export function wavBytes(seconds = 0.1, rate = 8000): Uint8Array {
  const samples = Math.round(seconds * rate);
  const buf = Buffer.alloc(44 + samples * 2);
  buf.write('RIFF', 0);
  buf.writeUInt32LE(36 + samples * 2, 4);
  buf.write('WAVE', 8);
  buf.write('fmt ', 12);
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20);
  buf.writeUInt16LE(1, 22);
  buf.writeUInt32LE(rate, 24);
  buf.writeUInt32LE(rate * 2, 28);
  buf.writeUInt16LE(2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36);
  buf.writeUInt32LE(samples * 2, 40);
  return new Uint8Array(buf);
}

/**
 * A 16-bit mono click track: a 1 kHz click of 30 ms on every beat from `firstBeatS`, with
 * quiet noise from `seed` between them so that two tracks are never the same file.
 */
export function clickWav(
  o: { bpm?: number; seconds?: number; firstBeatS?: number; rate?: number; seed?: number } = {},
): Uint8Array {
  const { bpm = 120, seconds = 4, firstBeatS = 0.25, rate = 22_050 } = o;
  let seed = o.seed ?? seq++ * 7919 + (Date.now() % 100_000);
  const bytes = wavBytes(seconds, rate);
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const period = 60 / bpm;
  for (let i = 0; i < Math.round(seconds * rate); i++) {
    const t = i / rate;
    const sinceBeat = t - firstBeatS - Math.floor((t - firstBeatS) / period) * period;
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    const noise = (seed / 2_147_483_648 - 0.5) * 0.002;
    const click = t >= firstBeatS && sinceBeat < 0.03 ? 0.8 * Math.sin(2 * Math.PI * 1000 * t) : 0;
    view.setInt16(44 + i * 2, Math.round((click + noise) * 32_767), true);
  }
  return bytes;
}

/** 16-bit mono WAV of float samples (-1..1). */
export function pcmWav(pcm: Float32Array, rate: number): Uint8Array {
  const bytes = wavBytes(pcm.length / rate, rate);
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  for (let i = 0; i < pcm.length; i++)
    view.setInt16(44 + i * 2, Math.round(Math.max(-1, Math.min(1, pcm[i]!)) * 32_767), true);
  return bytes;
}

export function songForm(title = 'Click track', bytes: Uint8Array = clickWav()): FormData {
  const form = new FormData();
  form.set('file', new File([bytes], 'song.wav', { type: 'audio/wav' }));
  form.set('title', title);
  return form;
}

export function sampleForm(name = 'kick', bytes: Uint8Array = wavBytes()): FormData {
  const form = new FormData();
  form.set('file', new File([bytes], `${name}.wav`, { type: 'audio/wav' }));
  form.set('name', name);
  form.set('category', 'percussion');
  return form;
}
