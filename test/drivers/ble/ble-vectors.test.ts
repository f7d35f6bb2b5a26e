/** Every BLE vector in shared/data/ble decodes to its expected values; every invalid one is rejected. */
import { describe, expect, it } from 'vitest';
import { parseHeartRateMeasurement } from '../../../drivers/ble/heart-rate.js';
import { parsePmdFrame } from '../../../drivers/ble/pmd/frame.js';
import { parseHex } from '../../../config/parsed.js';
import { hasData, noDataReason, readJsonl } from '../../helpers/data.js';

interface HrmVector {
  test: string;
  hex: string;
  valid: boolean;
  expect: {
    hr?: number;
    contact?: boolean | null;
    contact_supported?: boolean;
    energy_kj?: number | null;
    rr_1024?: number[] | null;
    rr_ms?: number[];
    rr_ms_floor?: number[];
  };
}

interface PmdVector {
  test: string;
  hex: string;
  header: { meas_type: number; timestamp_ns: number; frame_type: number; compressed: boolean };
  expect: {
    samples?: number;
    first?: number[];
    second?: number[];
    raw_first?: number[];
    raw_second?: number[];
    factor?: number;
    mG_first?: number[];
    mG_second?: number[];
    microvolts?: number[];
  };
}

const bytes = (hex: string): Uint8Array => {
  const p = parseHex(hex);
  if (!p.ok) throw new Error(p.reason);
  return p.value;
};

const skipped = hasData ? '' : ` (skipped: ${noDataReason})`;

describe.skipIf(!hasData)(`Heart Rate Measurement 0x2A37 vectors${skipped}`, () => {
  const vectors = hasData ? readJsonl<HrmVector>('ble', 'hrm_2a37_vectors.jsonl') : [];
  it('has vectors of both kinds', () => {
    expect(vectors.filter((v) => v.valid).length).toBeGreaterThan(15);
    expect(vectors.filter((v) => !v.valid).length).toBeGreaterThanOrEqual(3);
  });
  for (const v of vectors) {
    it(`${v.valid ? 'decodes' : 'rejects'} ${v.test} (${v.hex})`, () => {
      const r = parseHeartRateMeasurement(bytes(v.hex));
      if (!v.valid) {
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.reason.length).toBeGreaterThan(5);
        return;
      }
      if (!r.ok) throw new Error(r.reason);
      const m = r.value;
      const e = v.expect;
      if (e.hr !== undefined) expect(m.hr).toBe(e.hr);
      if (e.contact_supported !== undefined) expect(m.contactSupported).toBe(e.contact_supported);
      if (e.contact_supported === false) expect(m.contact).toBeNull();
      if (e.contact !== undefined) expect(m.contact).toBe(e.contact);
      if (e.energy_kj !== undefined) expect(m.energyKj).toBe(e.energy_kj);
      if (e.rr_1024 !== undefined) expect(m.rr1024).toEqual(e.rr_1024 ?? []);
      // Converted once, downstream: ms = rr * 1000 / 1024, rounded as each vendor does.
      if (e.rr_ms) expect(m.rr1024.map((r) => Math.round((r * 1000) / 1024))).toEqual(e.rr_ms);
      if (e.rr_ms_floor) expect(m.rr1024.map((r) => Math.floor((r * 1000) / 1024))).toEqual(e.rr_ms_floor);
    });
  }
});

describe.skipIf(!hasData)(`Polar PMD frame vectors${skipped}`, () => {
  const vectors = hasData ? readJsonl<PmdVector>('ble', 'polar_pmd_vectors.jsonl') : [];
  for (const v of vectors) {
    it(`decodes ${v.test}`, () => {
      const r = parsePmdFrame(bytes(v.hex), v.expect.factor === undefined ? {} : { factor: v.expect.factor });
      if (!r.ok) throw new Error(r.reason);
      const f = r.value;
      expect(f.timestampNs).toBe(BigInt(v.header.timestamp_ns));
      expect(f.frameType).toBe(v.header.frame_type);
      expect(f.compressed).toBe(v.header.compressed);
      const e = v.expect;
      if (f.type === 'acc') {
        expect(v.header.meas_type).toBe(2);
        if (e.samples !== undefined) expect(f.samples).toHaveLength(e.samples);
        if (e.first) expect(f.samples[0]).toEqual(e.first);
        if (e.second) expect(f.samples[1]).toEqual(e.second);
        if (e.mG_first) expect(f.samples[0]).toEqual(e.mG_first);
        if (e.mG_second) expect(f.samples[1]).toEqual(e.mG_second);
        if (e.mG_first) for (const s of f.samples) for (const c of s) expect(Math.abs(c)).toBeLessThanOrEqual(8000);
      } else if (f.type === 'ecg') {
        expect(v.header.meas_type).toBe(0);
        expect(f.samples).toEqual(e.microvolts);
      } else {
        throw new Error(`unexpected frame type ${f.type}`);
      }
      if (e.raw_first) {
        const raw = parsePmdFrame(bytes(v.hex));
        if (!raw.ok || raw.value.type !== 'acc') throw new Error('raw decode failed');
        expect(raw.value.unit).toBe('raw');
        expect(raw.value.samples[0]).toEqual(e.raw_first);
        expect(raw.value.samples[1]).toEqual(e.raw_second);
      }
    });
  }
});
