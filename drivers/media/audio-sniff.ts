/**
 * Recognises an uploaded audio file by its first bytes (never trusting the client's
 * Content-Type) and reads sample rate and duration from a PCM WAV header.
 */
export interface AudioInfo {
  mime: string;
  sampleRate?: number;
  durationS?: number;
}

const ascii = (b: Uint8Array, at: number, len: number): string => String.fromCharCode(...b.subarray(at, at + len));

export function sniffAudio(bytes: Uint8Array): AudioInfo | undefined {
  if (bytes.length < 12) return undefined;
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WAVE') return { mime: 'audio/wav', ...wavInfo(bytes) };
  if (ascii(bytes, 0, 4) === 'fLaC') return { mime: 'audio/flac' };
  if (ascii(bytes, 0, 4) === 'OggS') return { mime: 'audio/ogg' };
  if (ascii(bytes, 0, 4) === 'FORM' && ['AIFF', 'AIFC'].includes(ascii(bytes, 8, 4))) return { mime: 'audio/aiff' };
  if (ascii(bytes, 4, 4) === 'ftyp') return { mime: 'audio/mp4' };
  if (ascii(bytes, 0, 3) === 'ID3' || (bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xe0) === 0xe0))
    return { mime: 'audio/mpeg' };
  return undefined;
}

/** Walks the RIFF chunks for `fmt ` and `data`; a truncated or odd file just gives no figures. */
function wavInfo(bytes: Uint8Array): { sampleRate?: number; durationS?: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let sampleRate: number | undefined;
  let byteRate: number | undefined;
  let dataBytes: number | undefined;
  for (let at = 12; at + 8 <= bytes.length;) {
    const id = ascii(bytes, at, 4);
    const size = view.getUint32(at + 4, true);
    if (id === 'fmt ' && at + 16 <= bytes.length - 8) {
      sampleRate = view.getUint32(at + 12, true);
      byteRate = view.getUint32(at + 16, true);
    } else if (id === 'data') {
      dataBytes = Math.min(size, bytes.length - at - 8);
      break;
    }
    at += 8 + size + (size % 2);
  }
  const out: { sampleRate?: number; durationS?: number } = {};
  if (sampleRate && sampleRate >= 1000 && sampleRate <= 384_000) out.sampleRate = sampleRate;
  if (byteRate && dataBytes !== undefined) out.durationS = Math.round((dataBytes / byteRate) * 1000) / 1000;
  return out;
}
