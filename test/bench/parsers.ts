/**
 * Parse rates of the BLE hot path: Heart Rate Measurement notifications and Polar PMD frames
 * (frames/s), each against a baseline that only reads the same bytes with no validation, so
 * the ratio is the price of checking every length and field.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { encodeHeartRateMeasurement, parseHeartRateMeasurement } from '../../drivers/ble/heart-rate.js';
import { parsePmdFrame } from '../../drivers/ble/pmd/frame.js';

const FRAMES = 200_000;

function rate(frames: Uint8Array[], fn: (b: Uint8Array) => unknown): number {
  let sink = 0;
  const started = performance.now();
  for (let i = 0; i < FRAMES; i++) if (fn(frames[i % frames.length]!)) sink++;
  const s = (performance.now() - started) / 1000;
  if (sink < 0) throw new Error('unreachable');
  return FRAMES / s;
}

/** Typical H10 notifications: HR with one or two RR intervals and contact. */
export const hrFrames = Array.from({ length: 64 }, (_, i) =>
  encodeHeartRateMeasurement({ hr: 110 + (i % 40), contact: true, rr1024: i % 2 ? [480 + i] : [470 + i, 490 - i] }),
);

/** H10 accelerometer frames: 36 int16 x/y/z samples (raw type 1), as at 52-200 Hz. */
export const accFrames = Array.from({ length: 64 }, (_, i) => {
  const b = Buffer.alloc(10 + 36 * 6);
  b[0] = 2;
  b.writeBigUInt64LE(BigInt(7.6e17) + BigInt(i) * 180_000_000n, 1);
  b[9] = 1;
  for (let s = 0; s < 36 * 3; s++) b.writeInt16LE(((s * 37 + i * 11) % 2000) - 1000, 10 + s * 2);
  return new Uint8Array(b);
});

export function hrParseRate(): number {
  return rate(hrFrames, (b) => parseHeartRateMeasurement(b).ok);
}

/** Baseline: read flags, HR and the RR values with no checks at all. */
export function hrBaselineRate(): number {
  return rate(hrFrames, (b) => {
    let sum = b[1]!;
    for (let o = 2; o + 1 < b.length; o += 2) sum += b[o]! | (b[o + 1]! << 8);
    return sum > 0;
  });
}

export function pmdParseRate(): number {
  return rate(accFrames, (b) => parsePmdFrame(b).ok);
}

export function pmdBaselineRate(): number {
  return rate(accFrames, (b) => {
    const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
    let sum = 0;
    for (let o = 10; o < b.length; o += 2) sum += v.getInt16(o, true);
    return sum !== 0.5;
  });
}

/** Delta-compressed frames from shared/data (when present): the bit-unpacking path. */
export function pmdCompressedRate(dataPath: string): number | undefined {
  const file = resolve(dataPath, 'ble/polar_pmd_vectors.jsonl');
  if (!existsSync(file)) return undefined;
  const v = readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { hex: string; header: { compressed: boolean } })
    .find((x) => x.header.compressed);
  if (!v) return undefined;
  return rate([Buffer.from(v.hex, 'hex')], (b) => parsePmdFrame(b, { factor: 0.000244 }).ok);
}
