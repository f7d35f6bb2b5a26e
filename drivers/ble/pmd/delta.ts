/**
 * Polar's delta compression (PMD spec §4.3.2-4.3.3): a reference sample of `channels`
 * signed values of `resolution` bits (rounded up to whole bytes), then blocks of
 * [delta width u8][sample count u8][count × channels deltas of `width` bits, packed LSB
 * first], each delta added to the previous sample.
 */
import { fail, ok, type Parsed } from '../../../config/parsed.js';

export function readSignedLE(bytes: Uint8Array, offset: number, size: number): number {
  // The common widths with 32-bit integer arithmetic (sign-extended by the shifts): the hot path.
  if (size === 2) return ((bytes[offset]! | (bytes[offset + 1]! << 8)) << 16) >> 16;
  if (size === 3) return ((bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16)) << 8) >> 8;
  if (size === 1) return (bytes[offset]! << 24) >> 24;
  let v = 0;
  for (let i = 0; i < size; i++) v += bytes[offset + i]! * 2 ** (8 * i);
  const bits = 8 * size;
  return v >= 2 ** (bits - 1) ? v - 2 ** bits : v;
}

/** Samples as flat interleaved values (s0c0 s0c1 ... s1c0 ...), so callers can avoid arrays of arrays. */
export function decodeDeltaFrames(
  content: Uint8Array,
  channels: number,
  resolutionBits: number,
): Parsed<{ values: number[]; count: number }> {
  const refBytes = Math.ceil(resolutionBits / 8);
  let offset = channels * refBytes;
  if (content.length < offset)
    return fail(`truncated: the reference sample needs ${offset} bytes, the frame holds ${content.length}`);
  const values: number[] = [];
  for (let c = 0; c < channels; c++) values.push(readSignedLE(content, c * refBytes, refBytes));
  let count = 1;
  while (offset < content.length) {
    if (offset + 2 > content.length) return fail(`truncated: a delta block header at byte ${offset} is cut off`);
    const width = content[offset]!;
    const samples = content[offset + 1]!;
    offset += 2;
    if (width < 1 || width > 32) return fail(`delta width ${width} bits at byte ${offset - 2} is not in 1..32`);
    const bitLength = width * samples * channels;
    const byteLength = Math.ceil(bitLength / 8);
    if (offset + byteLength > content.length)
      return fail(
        `truncated: a delta block of ${samples} samples needs ${byteLength} bytes, ${content.length - offset} remain`,
      );
    const half = 2 ** (width - 1);
    const full = 2 ** width;
    let bit = offset * 8;
    for (let s = 0; s < samples; s++) {
      const prev = values.length - channels;
      for (let c = 0; c < channels; c++) {
        let d = 0;
        for (let i = 0; i < width; i++, bit++) if (content[bit >> 3]! & (1 << (bit & 7))) d += 2 ** i;
        if (d >= half) d -= full;
        values.push(values[prev + c]! + d);
      }
      count++;
    }
    offset += byteLength;
  }
  return ok({ values, count });
}
