/**
 * fast-check over every parser of outside bytes: random payloads and mutations of real ones
 * (bit flips, truncation, extension). No throw may escape; a rejection always has a reason;
 * encoders and parsers round-trip.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBatteryLevel } from '../../drivers/ble/battery.js';
import { encodeHeartRateMeasurement, parseHeartRateMeasurement } from '../../drivers/ble/heart-rate.js';
import { parseControlPointResponse, parseSettings } from '../../drivers/ble/pmd/control-point.js';
import { decodeDeltaFrames } from '../../drivers/ble/pmd/delta.js';
import { parsePmdFrame } from '../../drivers/ble/pmd/frame.js';
import {
  encodeWristbandEda,
  encodeWristbandImu,
  encodeWristbandTemp,
  parseWristbandEda,
  parseWristbandImu,
  parseWristbandTemp,
} from '../../drivers/ble/wristband-profile.js';
import type { Parsed } from '../../config/parsed.js';
import { parseHex } from '../../config/parsed.js';
import { parseE4Ibi, parseE4Signal } from '../../models/data/e4-csv.js';
import { parseRecording } from '../../drivers/replay/recording.js';
import { encodeFrame, FrameDecoder, type Frame } from '../../drivers/serial/frame.js';
import { decodeHello, decodePulse } from '../../drivers/serial/protocol.js';
import { hasData, readJsonl } from '../helpers/data.js';
import { MidiClockTracker } from '../../drivers/midi/clock-tracker.js';

const RUNS = 400;

/** Real payloads to mutate: the shared vectors when present, plus encoded wristband notifications. */
const seeds: Uint8Array[] = [
  ...(hasData ? readJsonl<{ hex: string }>('ble', 'hrm_2a37_vectors.jsonl').map((v) => Buffer.from(v.hex, 'hex')) : []),
  ...(hasData
    ? readJsonl<{ hex: string }>('ble', 'polar_pmd_vectors.jsonl').map((v) => Buffer.from(v.hex, 'hex'))
    : []),
  encodeWristbandImu({ sequence: 1, deviceTimeMs: 1000, rateHz: 50 }, [0, 0, 1, 0.1, 0.2, 0.9]),
  encodeWristbandEda({ sequence: 1, deviceTimeMs: 1000, rateHz: 4 }, [2.5, 2.6]),
  Uint8Array.from([0xf0, 0x02, 0x02, 0x00, 0x00, 0x05, 0x01, 0xb0, 0xe5, 0x7f, 0x39]),
];

const mutated = fc
  .tuple(
    fc.constantFrom(...seeds),
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
    fc.nat(),
    fc.uint8Array({ maxLength: 8 }),
  )
  .map(([seed, flips, cut, tail]) => {
    const b = Uint8Array.from(seed);
    for (const [at, v] of flips) if (b.length > 0) b[at % b.length] = v;
    const kept = b.subarray(0, b.length === 0 ? 0 : cut % (b.length + 1));
    return Uint8Array.from([...kept, ...tail]);
  });
const payloads = fc.oneof(fc.uint8Array({ maxLength: 260 }), mutated);

function wellFormed<T>(r: Parsed<T>): void {
  expect(typeof r.ok).toBe('boolean');
  if (!r.ok) expect(r.reason.length).toBeGreaterThan(3);
}

const parsers: [string, (b: Uint8Array) => Parsed<unknown>][] = [
  ['heart rate 0x2A37', (b) => parseHeartRateMeasurement(b)],
  ['battery 0x2A19', parseBatteryLevel],
  ['PMD frame', (b) => parsePmdFrame(b)],
  ['PMD frame with factor', (b) => parsePmdFrame(b, { factor: 0.000244 })],
  ['PMD delta frames', (b) => decodeDeltaFrames(b, 3, 16)],
  ['PMD control point response', parseControlPointResponse],
  ['PMD settings', parseSettings],
  ['wristband IMU', parseWristbandImu],
  ['wristband EDA', parseWristbandEda],
  ['wristband temperature', parseWristbandTemp],
  ['haptic pulse payload', decodePulse],
  ['haptic hello payload', decodeHello],
];

const midi = new MidiClockTracker();

describe('parsers under fuzz', () => {
  for (const [name, parse] of parsers) {
    it(`${name}: random and mutated payloads never throw, and a rejection has a reason`, () => {
      fc.assert(
        fc.property(payloads, (b) => wellFormed(parse(b))),
        { numRuns: RUNS },
      );
    });
  }

  it('the MIDI clock tracker takes any bytes at any times without throwing', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 8 }),
        fc.double({ min: 0, max: 1e9, noNaN: true }),
        (b, t) => void midi.feed(b, t),
      ),
      { numRuns: RUNS },
    );
  });

  it('text parsers (hex, E4 CSV, recordings) never throw on arbitrary text', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc
        .constantFrom(
          '1644227574\n4\n0.1\n0.2\n',
          '1644227574, IBI\n1.5,0.8\n',
          '{"format":"codance-recording","version":1,"startedAt":1}\n{"t":0,"type":"disconnect","id":"a"}\n',
        )
        .chain((s) =>
          fc
            .tuple(fc.nat(), fc.string({ maxLength: 5 }))
            .map(([at, ins]) => s.slice(0, at % (s.length + 1)) + ins + s.slice(at % (s.length + 1))),
        ),
    );
    fc.assert(
      fc.property(text, (t) => {
        wellFormed(parseHex(t));
        wellFormed(parseE4Signal(t, 'EDA.csv', 1));
        wellFormed(parseE4Signal(t, 'ACC.csv', 3));
        wellFormed(parseE4Ibi(t));
        wellFormed(parseRecording(t));
      }),
      { numRuns: RUNS },
    );
  });

  it('heart rate measurements round-trip through encode and parse', () => {
    const m = fc.record({
      hr: fc.integer({ min: 0, max: 65535 }),
      contact: fc.constantFrom(true, false, null),
      energyKj: fc.option(fc.integer({ min: 0, max: 65535 })),
      rr1024: fc.array(fc.integer({ min: 0, max: 65535 }), { maxLength: 7 }),
    });
    fc.assert(
      fc.property(m, (x) => {
        const r = parseHeartRateMeasurement(encodeHeartRateMeasurement(x));
        if (!r.ok) throw new Error(r.reason);
        expect(r.value).toEqual({
          hr: x.hr,
          contactSupported: x.contact !== null,
          contact: x.contact,
          energyKj: x.energyKj,
          rr1024: x.rr1024,
        });
      }),
      { numRuns: RUNS },
    );
  });

  it('wristband notifications round-trip within their quantisation', () => {
    const head = fc.record({
      sequence: fc.integer({ min: 0, max: 65535 }),
      deviceTimeMs: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
      rateHz: fc.integer({ min: 1, max: 1000 }),
    });
    fc.assert(
      fc.property(
        head,
        fc.array(fc.double({ min: -7.9, max: 7.9, noNaN: true }), { minLength: 3, maxLength: 60 }),
        fc.array(fc.double({ min: 0, max: 60, noNaN: true }), { minLength: 1, maxLength: 8 }),
        (h, acc, eda) => {
          const imu = parseWristbandImu(encodeWristbandImu(h, acc.slice(0, acc.length - (acc.length % 3))));
          if (!imu.ok) throw new Error(imu.reason);
          imu.value.acc.forEach((v, i) => expect(Math.abs(v - acc[i]!)).toBeLessThan(0.001));
          expect({
            sequence: imu.value.sequence,
            deviceTimeMs: imu.value.deviceTimeMs,
            rateHz: imu.value.rateHz,
          }).toEqual(h);
          const e = parseWristbandEda(encodeWristbandEda(h, eda));
          if (!e.ok) throw new Error(e.reason);
          e.value.values.forEach((v, i) => expect(Math.abs(v - eda[i]!)).toBeLessThanOrEqual(0.0005));
          const t = parseWristbandTemp(encodeWristbandTemp(h, [33.25]));
          expect(t.ok && t.value.values[0]).toBeCloseTo(33.25, 2);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('the serial frame decoder finds every frame in any chunking, with garbage between, and never throws', () => {
    const frame = fc.record({
      seq: fc.integer({ min: 0, max: 255 }),
      type: fc.integer({ min: 0, max: 255 }),
      payload: fc.uint8Array({ maxLength: 40 }),
    });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(frame, fc.uint8Array({ maxLength: 6 })), { maxLength: 12 }),
        fc.array(fc.integer({ min: 1, max: 17 }), { minLength: 1, maxLength: 8 }),
        (items, cuts) => {
          // Garbage must not contain a sync pair, or it could legitimately start a frame.
          const garbage = (g: Uint8Array): number[] => [...g].map((b) => (b === 0xc0 ? 0x00 : b));
          const stream = Buffer.concat(items.map(([f, g]) => Buffer.concat([Buffer.from(garbage(g)), encodeFrame(f)])));
          const got: Frame[] = [];
          const d = new FrameDecoder((f) => got.push(f));
          let o = 0;
          for (let i = 0; o < stream.length; i++) {
            const n = cuts[i % cuts.length]!;
            d.push(stream.subarray(o, o + n));
            o += n;
          }
          expect(got.map((f) => ({ seq: f.seq, type: f.type, payload: [...f.payload] }))).toEqual(
            items.map(([f]) => ({ seq: f.seq, type: f.type, payload: [...f.payload] })),
          );
        },
      ),
      { numRuns: RUNS },
    );
    fc.assert(
      fc.property(payloads, (b) => {
        const d = new FrameDecoder(
          () => undefined,
          (problem, detail) => expect(detail.length).toBeGreaterThan(3),
        );
        d.push(b);
      }),
      { numRuns: RUNS },
    );
  });
});
