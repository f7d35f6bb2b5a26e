/**
 * Framing of the Codance haptic serial protocol (drivers/serial/PROTOCOL.md):
 *
 *   0xC0 0xDA | len u8 | seq u8 | type u8 | payload (len bytes) | CRC-16/CCITT-FALSE u16 LE
 *
 * The CRC covers len, seq, type and payload. The decoder is a byte-stream state machine:
 * garbage before a sync, a bad length or a bad CRC costs only that frame (counted with its
 * reason), and decoding resumes at the next sync.
 */
import { crc16 } from './crc16.js';

export const SYNC0 = 0xc0;
export const SYNC1 = 0xda;
export const MAX_PAYLOAD = 250;
const OVERHEAD = 7;

export interface Frame {
  seq: number;
  type: number;
  payload: Uint8Array;
}

export function encodeFrame(frame: Frame): Buffer {
  const { seq, type, payload } = frame;
  if (payload.length > MAX_PAYLOAD) throw new RangeError(`payload of ${payload.length} bytes exceeds ${MAX_PAYLOAD}`);
  const out = Buffer.alloc(OVERHEAD + payload.length);
  out[0] = SYNC0;
  out[1] = SYNC1;
  out[2] = payload.length;
  out[3] = seq & 0xff;
  out[4] = type & 0xff;
  out.set(payload, 5);
  out.writeUInt16LE(crc16(out, 2, 5 + payload.length), 5 + payload.length);
  return out;
}

export type FrameProblem = 'bad_crc' | 'bad_length' | 'garbage';

/** Feeds bytes in, calls `onFrame` per good frame and `onProblem` per rejected one. Never throws. */
export class FrameDecoder {
  private buf: Buffer = Buffer.alloc(0);

  constructor(
    private readonly onFrame: (frame: Frame) => void,
    private readonly onProblem: (problem: FrameProblem, detail: string) => void = () => undefined,
  ) {}

  push(chunk: Uint8Array): void {
    this.buf = this.buf.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buf, chunk]);
    for (;;) {
      const start = this.findSync();
      if (start < 0) {
        // Keep a trailing 0xC0: it may be the first half of a sync split across chunks.
        const keep = this.buf.length > 0 && this.buf[this.buf.length - 1] === SYNC0 ? 1 : 0;
        if (this.buf.length - keep > 0)
          this.onProblem('garbage', `${this.buf.length - keep} byte(s) outside any frame`);
        this.buf = this.buf.subarray(this.buf.length - keep);
        return;
      }
      if (start > 0) {
        this.onProblem('garbage', `${start} byte(s) before a frame`);
        this.buf = this.buf.subarray(start);
      }
      if (this.buf.length < 3) return;
      const len = this.buf[2]!;
      if (len > MAX_PAYLOAD) {
        this.onProblem('bad_length', `length ${len} exceeds ${MAX_PAYLOAD}`);
        this.buf = this.buf.subarray(2);
        continue;
      }
      const total = OVERHEAD + len;
      if (this.buf.length < total) return;
      const want = this.buf.readUInt16LE(5 + len);
      const got = crc16(this.buf, 2, 5 + len);
      if (want !== got) {
        this.onProblem('bad_crc', `CRC 0x${got.toString(16)} does not match 0x${want.toString(16)}`);
        this.buf = this.buf.subarray(2);
        continue;
      }
      const frame: Frame = {
        seq: this.buf[3]!,
        type: this.buf[4]!,
        payload: Uint8Array.prototype.slice.call(this.buf, 5, 5 + len),
      };
      this.buf = this.buf.subarray(total);
      this.onFrame(frame);
    }
  }

  reset(): void {
    this.buf = Buffer.alloc(0);
  }

  private findSync(): number {
    for (let i = 0; i + 1 < this.buf.length; i++) if (this.buf[i] === SYNC0 && this.buf[i + 1] === SYNC1) return i;
    return -1;
  }
}
