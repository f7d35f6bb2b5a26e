/**
 * Places blocks of samples from a device clock onto a stream index and host time, per
 * stream (ARCHITECTURE "Time"). Because indices come from the device's own timestamps, a
 * block the device sends again after a reconnect is recognised and dropped (or trimmed), and
 * a gap while disconnected stays a gap instead of shifting everything after it.
 */
export interface Placement {
  firstIndex: number;
  /** Leading samples of the block that were already delivered. */
  skip: number;
  /** Host wall-clock ms of the first new sample. */
  startedAt: number;
}

/** A device clock jumping back further than this is a device reset, not a resend. */
const RESET_BACK_S = 10;
/** Host and device clocks drifting apart by more than this re-anchor the host mapping. */
const REANCHOR_MS = 2000;

export class StreamClock {
  private originDeviceMs: number | undefined;
  private hostOrigin = 0;
  nextIndex = 0;
  resets = 0;

  constructor(readonly rateHz: number) {}

  /** `lastDeviceMs`: device time of the block's last sample. Undefined when the whole block is a duplicate. */
  place(lastDeviceMs: number, count: number, receivedAt: number): Placement | undefined {
    const period = 1000 / this.rateHz;
    const firstDeviceMs = lastDeviceMs - (count - 1) * period;
    if (this.originDeviceMs === undefined) {
      this.originDeviceMs = firstDeviceMs;
      this.hostOrigin = receivedAt - (count - 1) * period;
    }
    let firstIndex = Math.round((firstDeviceMs - this.originDeviceMs) / period);
    if (firstIndex < this.nextIndex - RESET_BACK_S * this.rateHz) {
      // The device restarted its clock: continue the stream where it was.
      this.resets++;
      this.originDeviceMs = firstDeviceMs - this.nextIndex * period;
      firstIndex = this.nextIndex;
    }
    if (firstIndex + count <= this.nextIndex) return undefined;
    const skip = Math.max(0, this.nextIndex - firstIndex);
    this.nextIndex = firstIndex + count;
    const lastHost = this.hostOrigin + (firstIndex + count - 1) * period;
    if (Math.abs(receivedAt - lastHost) > REANCHOR_MS) this.hostOrigin += receivedAt - lastHost;
    return { firstIndex, skip, startedAt: this.hostOrigin + (firstIndex + skip) * period };
  }
}

/** Unwraps a u32 millisecond device clock into a monotonic number. */
export class WrappingClock {
  private last: number | undefined;
  private wraps = 0;
  unwrap(raw: number): number {
    if (this.last !== undefined && raw < this.last && this.last - raw > 2 ** 31) this.wraps++;
    this.last = raw;
    return raw + this.wraps * 2 ** 32;
  }
}
