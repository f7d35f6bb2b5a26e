/**
 * PMD data frames (notifications of the PMD Data characteristic), spec §4:
 *
 *   [0] measurement type (low 6 bits) | [1..8] u64 LE timestamp of the frame's LAST sample,
 *   ns since 2000-01-01 UTC | [9] frame type (bit 7 = delta-compressed) | [10..] samples
 *
 * Decoded here: accelerometer (raw 8/16/24-bit, compressed types 0 and 1), ECG (raw 24-bit
 * µV) and PPI (6-byte samples). Anything else is rejected with a reason, never thrown.
 */
import { fail, ok, type Parsed } from '../../../config/parsed.js';
import { decodeDeltaFrames, readSignedLE } from './delta.js';
import { pmdTypeName } from './measurement.js';

export interface PpiSample {
  hr: number;
  ppMs: number;
  errorMs: number;
  /** false when the device flags the interval as not valid (blocker bit). */
  valid: boolean;
  contact: boolean | null;
}

interface FrameHeader {
  timestampNs: bigint;
  frameType: number;
  compressed: boolean;
}

export type PmdFrame =
  | (FrameHeader & { type: 'acc'; unit: 'mG' | 'raw'; samples: [number, number, number][] })
  | (FrameHeader & { type: 'ecg'; unit: 'uV'; samples: number[] })
  | (FrameHeader & { type: 'ppi'; unit: 'ms'; samples: PpiSample[] });

export interface PmdParseOptions {
  /**
   * The conversion factor the device reported for this stream (setting type 5). Compressed
   * accelerometer frames carry raw counts: without the factor their samples stay `raw`.
   */
  factor?: number;
}

const HEADER_BYTES = 10;

export function parsePmdFrame(bytes: Uint8Array, options: PmdParseOptions = {}): Parsed<PmdFrame> {
  if (bytes.length < HEADER_BYTES) return fail(`too short: ${bytes.length} byte(s), a PMD frame has a 10-byte header`);
  const { factor } = options;
  if (factor !== undefined && !(Number.isFinite(factor) && factor > 0))
    return fail(`conversion factor ${factor} must be a positive number`);
  const code = bytes[0]! & 0x3f;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const header: FrameHeader = {
    timestampNs: view.getBigUint64(1, true),
    frameType: bytes[9]! & 0x7f,
    compressed: (bytes[9]! & 0x80) !== 0,
  };
  const content = bytes.subarray(HEADER_BYTES);
  const type = pmdTypeName(code);
  if (type === 'acc') return parseAcc(header, content, factor);
  if (type === 'ecg') return parseEcg(header, content);
  if (type === 'ppi') return parsePpi(header, content);
  return fail(`measurement type ${code}${type ? ` (${type})` : ''} is not decoded by this box`);
}

function needWhole(content: Uint8Array, size: number, what: string): string | undefined {
  if (content.length === 0) return `${what} frame holds no samples`;
  if (content.length % size !== 0)
    return `truncated: ${content.length} bytes is not a whole number of ${size}-byte ${what} samples`;
  return undefined;
}

function scale(v: number, factor: number | undefined): number {
  return factor === undefined || factor === 1 ? v : Math.trunc(v * factor);
}

function parseAcc(header: FrameHeader, content: Uint8Array, factor: number | undefined): Parsed<PmdFrame> {
  const samples: [number, number, number][] = [];
  if (!header.compressed) {
    const size = [1, 2, 3][header.frameType];
    if (size === undefined)
      return fail(`accelerometer raw frame type ${header.frameType} is not known (0, 1 and 2 are)`);
    const problem = needWhole(content, size * 3, 'accelerometer');
    if (problem) return fail(problem);
    for (let o = 0; o < content.length; o += size * 3) {
      samples.push([
        scale(readSignedLE(content, o, size), factor),
        scale(readSignedLE(content, o + size, size), factor),
        scale(readSignedLE(content, o + 2 * size, size), factor),
      ]);
    }
    return ok({ ...header, type: 'acc', unit: 'mG', samples });
  }
  if (header.frameType !== 0 && header.frameType !== 1)
    return fail(`accelerometer compressed frame type ${header.frameType} is not known (0 and 1 are)`);
  const decoded = decodeDeltaFrames(content, 3, 16);
  if (!decoded.ok) return decoded;
  const { values } = decoded.value;
  // Type 0 carries G in raw counts (factor → G, ×1000 → mG); type 1 carries mG counts.
  const perCount = factor === undefined ? undefined : header.frameType === 0 ? factor * 1000 : factor;
  for (let i = 0; i < values.length; i += 3)
    samples.push([scale(values[i]!, perCount), scale(values[i + 1]!, perCount), scale(values[i + 2]!, perCount)]);
  const unit = header.frameType === 0 && factor === undefined ? 'raw' : 'mG';
  return ok({ ...header, type: 'acc', unit, samples });
}

function parseEcg(header: FrameHeader, content: Uint8Array): Parsed<PmdFrame> {
  if (header.compressed) return fail('compressed ECG frames are not decoded (Polar devices send ECG uncompressed)');
  if (header.frameType !== 0) return fail(`ECG frame type ${header.frameType} is not decoded (type 0, 24-bit µV, is)`);
  const problem = needWhole(content, 3, 'ECG');
  if (problem) return fail(problem);
  const samples: number[] = [];
  for (let o = 0; o < content.length; o += 3) samples.push(readSignedLE(content, o, 3));
  return ok({ ...header, type: 'ecg', unit: 'uV', samples });
}

function parsePpi(header: FrameHeader, content: Uint8Array): Parsed<PmdFrame> {
  if (header.compressed || header.frameType !== 0)
    return fail(
      `PPI frame type ${header.frameType}${header.compressed ? ' (compressed)' : ''} is not decoded (raw type 0 is)`,
    );
  const problem = needWhole(content, 6, 'PPI');
  if (problem) return fail(problem);
  const samples: PpiSample[] = [];
  for (let o = 0; o < content.length; o += 6) {
    const flags = content[o + 5]!;
    const supported = (flags & 0x04) === 0;
    samples.push({
      hr: content[o]!,
      ppMs: content[o + 1]! | (content[o + 2]! << 8),
      errorMs: content[o + 3]! | (content[o + 4]! << 8),
      valid: (flags & 0x01) === 0,
      contact: supported ? (flags & 0x02) !== 0 : null,
    });
  }
  return ok({ ...header, type: 'ppi', unit: 'ms', samples });
}
