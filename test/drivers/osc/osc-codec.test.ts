/** OSC in: every vector in shared/data/osc decodes or is rejected as expected; random datagrams never crash the decoder. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeOscPacket, type OscArg, type OscPacket } from '../../../drivers/osc/codec.js';
import { hasData, noDataReason, readJsonl } from '../../helpers/data.js';

type Expected = {
  address?: string;
  typetags?: string | null;
  args?: [string, unknown][];
  bundle?: { timetag: [number, number]; elements: unknown[] };
};
interface Vector {
  name: string;
  hex: string;
  decoded?: Expected;
  error?: string;
}

const vectors = hasData ? readJsonl<Vector>('osc', 'osc_vectors.jsonl') : [];
/** Whole datagrams (the file also holds fragments that test osc.js's inner readers). */
const datagrams = vectors.filter(
  (v) => v.error !== undefined || v.decoded?.address !== undefined || v.decoded?.bundle !== undefined,
);
const nestedArrays = (t: string | null | undefined): boolean => /\[[^\]]*\[/.test(t ?? '');

function tags(args: OscArg[]): string {
  return args.map((a) => (Array.isArray(a) ? `[${tags(a)}]` : a.type)).join('');
}

function checkMessage(got: OscPacket, want: Expected, name: string): void {
  expect('address' in got, name).toBe(true);
  if (!('address' in got)) return;
  expect(got.address).toBe(want.address);
  expect(`,${tags(got.args)}`).toBe(want.typetags ?? ',');
  want.args?.forEach(([type, value], i) => {
    const a = got.args[i]!;
    if (Array.isArray(a)) return;
    if (type === 'f') expect(a.value as number).toBeCloseTo(value as number, 5);
    else if (type === 'i' || type === 's' || type === 'T' || type === 'F' || type === 'N')
      expect(a.value).toEqual(value);
  });
}

describe.skipIf(!hasData)(`OSC in${hasData ? '' : ` (skipped: ${noDataReason})`}`, () => {
  it('has whole datagrams of both kinds', () => {
    expect(datagrams.filter((v) => v.error).length).toBeGreaterThanOrEqual(8);
    expect(datagrams.filter((v) => !v.error).length).toBeGreaterThanOrEqual(20);
  });

  for (const v of datagrams) {
    const nested = nestedArrays(v.decoded?.typetags);
    it(`${v.error ? 'rejects' : nested ? 'rejects (nested arrays, an osc.js limit)' : 'decodes'} ${v.name} (${v.hex.slice(0, 24)}…)`, () => {
      const r = decodeOscPacket(Buffer.from(v.hex, 'hex'));
      if (v.error || nested) {
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.reason).toMatch(/malformed OSC|datagram/);
        return;
      }
      if (!r.ok) throw new Error(`${v.name}: ${r.reason}`);
      const want = v.decoded!;
      if (want.bundle) {
        expect('timeTag' in r.value).toBe(true);
        if ('timeTag' in r.value) {
          expect(r.value.timeTag).toEqual(want.bundle.timetag);
          expect(r.value.elements).toHaveLength(want.bundle.elements.length);
        }
      } else checkMessage(r.value, want, v.name);
    });
  }

  it('never throws on random datagrams or mutations of the vectors', () => {
    const seeds = datagrams.map((v) => Buffer.from(v.hex, 'hex'));
    const mutated = fc
      .tuple(
        fc.constantFrom(...seeds),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        fc.nat(),
      )
      .map(([s, flips, cut]) => {
        const b = Uint8Array.from(s);
        for (const [at, v] of flips) if (b.length > 0) b[at % b.length] = v;
        return b.subarray(0, cut % (b.length + 1));
      });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), mutated), (b) => {
        const r = decodeOscPacket(b);
        if (!r.ok) expect(r.reason.length).toBeGreaterThan(3);
      }),
      { numRuns: 2000 },
    );
  });
});
