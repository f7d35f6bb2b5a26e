import { describe, expect, it, vi } from 'vitest';
import { Retry } from '../../../drivers/backoff.js';
import { crc16 } from '../../../drivers/serial/crc16.js';
import { encodeFrame, FrameDecoder, type Frame } from '../../../drivers/serial/frame.js';
import { decodePulse, encodePulse } from '../../../drivers/serial/protocol.js';

describe('haptic serial framing', () => {
  it('uses CRC-16/CCITT-FALSE (check value 0x29B1), as drivers/serial/PROTOCOL.md tells firmware authors', () => {
    expect(crc16(Buffer.from('123456789', 'ascii'))).toBe(0x29b1);
  });

  it('encodes the documented layout and rejects a corrupted frame with its reason, then resyncs', () => {
    const frame = encodeFrame({
      seq: 7,
      type: 0x10,
      payload: encodePulse({ channel: 2, pattern: 'double', intensity: 1, durationMs: 300 }),
    });
    expect([...frame.subarray(0, 5)]).toEqual([0xc0, 0xda, 5, 7, 0x10]);
    expect([...frame.subarray(5, 10)]).toEqual([2, 1, 255, 300 & 0xff, 300 >> 8]);
    const got: Frame[] = [];
    const problems: string[] = [];
    const d = new FrameDecoder(
      (f) => got.push(f),
      (p) => problems.push(p),
    );
    const bad = Buffer.from(frame);
    bad[6] = bad[6]! ^ 0xff;
    d.push(Buffer.concat([Buffer.from([1, 2, 3]), bad, frame]));
    expect(problems).toEqual(['garbage', 'bad_crc', 'garbage']);
    expect(got).toHaveLength(1);
    expect(decodePulse(got[0]!.payload)).toEqual({
      ok: true,
      value: { channel: 2, pattern: 'double', intensity: 1, durationMs: 300 },
    });
    expect(decodePulse(Uint8Array.of(0, 9, 0, 0, 0))).toEqual({ ok: false, reason: 'unknown pattern 9' });
  });
});

describe('reconnect backoff', () => {
  it('grows to its cap, keeps exactly one pending retry, and resets after success', () => {
    vi.useFakeTimers();
    try {
      const r = new Retry({ initialMs: 100, maxMs: 1000, factor: 2 });
      const fired: number[] = [];
      const delays: (number | undefined)[] = [];
      for (let i = 0; i < 6; i++) {
        delays.push(r.schedule(() => fired.push(i)));
        expect(r.schedule(() => fired.push(-1))).toBeUndefined(); // a second request while one waits is ignored
        vi.runAllTimers();
      }
      expect(delays).toEqual([100, 200, 400, 800, 1000, 1000]);
      expect(fired).toEqual([0, 1, 2, 3, 4, 5]);
      r.reset();
      expect(r.nextDelayMs).toBe(100);
      r.schedule(() => fired.push(99));
      r.cancel();
      vi.runAllTimers();
      expect(fired).not.toContain(99);
    } finally {
      vi.useRealTimers();
    }
  });
});
