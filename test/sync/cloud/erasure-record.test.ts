/** The erasure record as the cloud reads it from a box's batch: any data, never a throw. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { erasureOf, isErased } from '../../../sync/cloud/erasure.js';

describe('an erasure record as the cloud reads it', () => {
  it('never throws on any data, and what it accepts is well formed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 40 }), fc.oneof(fc.jsonValue(), fc.string()), (seq, data) => {
        const e = erasureOf(seq, data as Record<string, unknown> | string);
        if (e === undefined) return;
        expect(Number.isFinite(e.subjectId)).toBe(true);
        for (const w of e.devices) expect([w.device_id, w.from, w.to].every(Number.isFinite)).toBe(true);
        expect(
          isErased([e], { entity: 'biometric_data', id: 1, seq: seq - 1, userRef: e.subjectId, at: 0, deviceId: 1 }),
        ).toBe(true);
      }),
    );
    const devices = JSON.stringify([{ device_id: 3, from: 1000, to: 2000 }]);
    expect(erasureOf(9, { subject_id: 4, devices })).toEqual({
      seq: 9,
      subjectId: 4,
      devices: [{ device_id: 3, from: 1000, to: 2000 }],
    });
    expect(erasureOf(9, { subject_id: 'x', devices })).toBeUndefined();
    expect(erasureOf(9, '{"subject_id": 4, "devices": "[not json"}')).toBeUndefined();
  });
});
