import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Chunker } from '../../../daemon/store/chunker.js';
import type { RawBlock } from '../../../config/signals.js';

function block(firstIndex: number, count: number, over: Partial<RawBlock> = {}): RawBlock {
  const values = Float32Array.from({ length: count * 3 }, (_, i) => firstIndex * 3 + i + 0.5);
  return {
    kind: 'raw',
    deviceKey: 'd1',
    stream: 'acc',
    receivedAt: 0,
    firstIndex,
    startedAt: 1000 + firstIndex * 20,
    rateHz: 50,
    channels: 3,
    values,
    ...over,
  };
}

function unpack(data: Buffer): number[] {
  const out: number[] = [];
  for (let i = 0; i < data.length; i += 4) out.push(data.readFloatLE(i));
  return out;
}

describe('chunker', () => {
  it('closes a chunk once it holds chunkMs of samples, packed as little-endian float32', () => {
    const c = new Chunker(1000);
    expect(c.add(block(0, 25))).toEqual([]);
    const [chunk] = c.add(block(25, 25));
    expect(chunk).toMatchObject({
      deviceKey: 'd1',
      stream: 'acc',
      firstIndex: 0,
      sampleCount: 50,
      rateHz: 50,
      channels: 3,
      startedAt: 1000,
    });
    expect(unpack(chunk!.data)).toEqual(Array.from({ length: 150 }, (_, i) => i + 0.5));
    expect(c.openCount).toBe(0);
  });

  it('starts a new chunk on a gap in sample indices or a change of rate', () => {
    const c = new Chunker(1000);
    c.add(block(0, 10));
    const closed = c.add(block(15, 10));
    expect(closed.map((k) => [k.firstIndex, k.sampleCount])).toEqual([[0, 10]]);
    const closed2 = c.add(block(25, 10, { rateHz: 100 }));
    expect(closed2.map((k) => [k.firstIndex, k.sampleCount])).toEqual([[15, 10]]);
    expect(c.drain().map((k) => [k.firstIndex, k.sampleCount, k.rateHz])).toEqual([[25, 10, 100]]);
  });

  it('keeps every sample exactly once across any block sizes and gaps (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ n: fc.integer({ min: 1, max: 40 }), gap: fc.integer({ min: 0, max: 3 }) }), {
          maxLength: 40,
        }),
        (parts) => {
          const c = new Chunker(500);
          let idx = 0;
          const sent: number[] = [];
          const got: number[] = [];
          for (const p of parts) {
            idx += p.gap;
            const b = block(idx, p.n);
            sent.push(...b.values);
            for (const k of c.add(b)) got.push(...unpack(k.data));
            idx += p.n;
          }
          for (const k of c.drain()) got.push(...unpack(k.data));
          expect(got).toEqual(sent);
        },
      ),
    );
  });
});
