/**
 * Packs high-rate blocks (IMU, PPG, ECG) into ~chunkMs chunks per device and stream: one
 * row per second instead of fifty. A chunk is closed early on any discontinuity (a gap in
 * sample indices, a change of rate or channel count), so a chunk's samples are always
 * contiguous and its times derivable from `started_at + i / rate_hz`.
 */
import type { RawBlock } from '../../config/signals.js';

/** A raw block, or a scalar signal's value as a one-value block (`scalarBlock`). */
export type ChunkBlock = Omit<RawBlock, 'stream'> & { stream: string };

export interface Chunk {
  deviceKey: string;
  stream: string;
  startedAt: number;
  firstIndex: number;
  rateHz: number;
  channels: number;
  sampleCount: number;
  /** Little-endian float32, interleaved by channel. */
  data: Buffer;
}

interface Open {
  head: ChunkBlock;
  parts: Float32Array[];
  samples: number;
  nextIndex: number;
}

export class Chunker {
  private readonly open = new Map<string, Open>();
  constructor(private readonly chunkMs: number) {}

  /** Adds a block; returns the chunks it closed (zero, one, or two on a discontinuity). */
  add(block: ChunkBlock): Chunk[] {
    const key = `${block.deviceKey}\u0000${block.stream}`;
    const closed: Chunk[] = [];
    let cur = this.open.get(key);
    if (
      cur &&
      (cur.nextIndex !== block.firstIndex || cur.head.rateHz !== block.rateHz || cur.head.channels !== block.channels)
    ) {
      closed.push(pack(cur));
      cur = undefined;
    }
    const count = Math.floor(block.values.length / block.channels);
    if (!cur) {
      cur = { head: block, parts: [], samples: 0, nextIndex: block.firstIndex };
      this.open.set(key, cur);
    }
    cur.parts.push(block.values);
    cur.samples += count;
    cur.nextIndex += count;
    if ((cur.samples * 1000) / cur.head.rateHz >= this.chunkMs) {
      closed.push(pack(cur));
      this.open.delete(key);
    }
    return closed;
  }

  /** Closes every open chunk (on stop), so a clean shutdown loses no samples. */
  drain(): Chunk[] {
    const out = [...this.open.values()].map(pack);
    this.open.clear();
    return out;
  }

  get openCount(): number {
    return this.open.size;
  }
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function pack(o: Open): Chunk {
  const { head } = o;
  const total = o.samples * head.channels;
  const data = Buffer.allocUnsafe(total * 4);
  let offset = 0;
  for (const part of o.parts) {
    const n = Math.min(part.length, total - offset / 4);
    if (littleEndian) {
      Buffer.from(part.buffer, part.byteOffset, n * 4).copy(data, offset);
    } else {
      for (let i = 0; i < n; i++) data.writeFloatLE(part[i] as number, offset + i * 4);
    }
    offset += n * 4;
  }
  return {
    deviceKey: head.deviceKey,
    stream: head.stream,
    startedAt: head.startedAt,
    firstIndex: head.firstIndex,
    rateHz: head.rateHz,
    channels: head.channels,
    sampleCount: o.samples,
    data,
  };
}
