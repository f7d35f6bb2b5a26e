/**
 * Fixed-size per-stream buffers: the pipeline keeps the last minute or so of each stream per
 * dancer and never grows, whatever the sample rate or number of dancers (back-pressure by
 * overwriting the oldest, counted in `overwritten`).
 */
export class TimeRing {
  private readonly t: Float64Array;
  private readonly v: Float64Array;
  private head = 0;
  size = 0;
  overwritten = 0;

  constructor(readonly capacity: number) {
    this.t = new Float64Array(capacity);
    this.v = new Float64Array(capacity);
  }

  push(t: number, v: number): void {
    if (this.size === this.capacity) this.overwritten++;
    else this.size++;
    this.t[this.head] = t;
    this.v[this.head] = v;
    this.head = (this.head + 1) % this.capacity;
  }

  /** Values with time in (from, to], oldest first. */
  between(from: number, to = Infinity): { t: Float64Array; v: Float64Array } {
    const ts: number[] = [];
    const vs: number[] = [];
    for (let k = 0; k < this.size; k++) {
      const i = (this.head - this.size + k + this.capacity) % this.capacity;
      const ti = this.t[i]!;
      if (ti > from && ti <= to) {
        ts.push(ti);
        vs.push(this.v[i]!);
      }
    }
    return { t: Float64Array.from(ts), v: Float64Array.from(vs) };
  }

  get lastTime(): number {
    return this.size === 0 ? -Infinity : this.t[(this.head - 1 + this.capacity) % this.capacity]!;
  }
}

/** 3-axis samples at a known rate; the time of each sample follows from the last block's start. */
export class XyzRing {
  private readonly data: Float32Array;
  private head = 0;
  size = 0;
  rateHz = 0;
  /** Time (s) of the newest sample. */
  lastTime = -Infinity;

  constructor(readonly capacity: number) {
    this.data = new Float32Array(capacity * 3);
  }

  push(values: Float32Array, rateHz: number, firstTimeS: number): void {
    const n = Math.floor(values.length / 3);
    if (rateHz !== this.rateHz) {
      this.size = 0; // a new rate starts a new stream
      this.rateHz = rateHz;
    }
    for (let i = 0; i < n; i++) {
      this.data.set(values.subarray(i * 3, i * 3 + 3), this.head * 3);
      this.head = (this.head + 1) % this.capacity;
      if (this.size < this.capacity) this.size++;
    }
    this.lastTime = firstTimeS + (n - 1) / rateHz;
  }

  /** The newest `seconds` of samples (interleaved xyz) and the time of the first. */
  last(seconds: number): { xyz: Float32Array; startS: number } {
    const n = Math.min(this.size, Math.round(seconds * this.rateHz));
    const out = new Float32Array(n * 3);
    for (let k = 0; k < n; k++) {
      const i = (this.head - n + k + this.capacity) % this.capacity;
      out.set(this.data.subarray(i * 3, i * 3 + 3), k * 3);
    }
    return { xyz: out, startS: this.lastTime - (n - 1) / (this.rateHz || 1) };
  }
}
