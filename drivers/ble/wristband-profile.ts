/**
 * The Codance open wristband profile: a GATT service any ESP32/nRF-class band can implement
 * so a venue can build its own wearables (drivers/ble/PROFILE.md). Layout version 1,
 * all integers little-endian. Every notification starts with the same 10-byte header:
 *
 *   [0] layout version (1) | [1] flags | [2..3] u16 notification sequence (wraps) |
 *   [4..7] u32 device time of the first sample, ms (wraps) | [8..9] u16 sample rate, Hz
 *
 * IMU (flags bit 0: gyroscope present) adds [10] accelerometer range in g (2, 4, 8, 16) and
 * [11] gyroscope range in 250 deg/s steps (0 without gyro), then per sample int16 ax ay az
 * (value × range / 32768 g) and, with gyro, int16 gx gy gz (value × gyro range / 32768 deg/s).
 * EDA: per sample u16 skin conductance in nS (0.001 µS). Temperature: per sample int16 in
 * 0.01 °C. A band also exposes the standard Heart Rate (0x180D) and Battery (0x180F) services.
 */
import { fail, ok, type Parsed } from '../../config/parsed.js';

export const WRISTBAND_SERVICE = 'c0da0001d4ce4f1e9a7eb0c5a1e5c0da';
export const WRISTBAND_IMU = 'c0da0002d4ce4f1e9a7eb0c5a1e5c0da';
export const WRISTBAND_EDA = 'c0da0003d4ce4f1e9a7eb0c5a1e5c0da';
export const WRISTBAND_TEMP = 'c0da0004d4ce4f1e9a7eb0c5a1e5c0da';
export const WRISTBAND_LAYOUT_VERSION = 1;

const HEADER = 10;
const IMU_HEADER = 12;
const ACC_RANGES = [2, 4, 8, 16];

export interface WristbandHeader {
  sequence: number;
  deviceTimeMs: number;
  rateHz: number;
}

export interface WristbandImu extends WristbandHeader {
  /** g, interleaved x y z per sample */
  acc: number[];
  /** deg/s, interleaved x y z per sample; empty without gyroscope */
  gyro: number[];
  count: number;
}

export interface WristbandValues extends WristbandHeader {
  values: number[];
}

function header(bytes: Uint8Array, min: number, what: string): Parsed<WristbandHeader & { flags: number }> {
  if (bytes.length < min)
    return fail(`too short: ${bytes.length} byte(s), a ${what} notification has a ${min}-byte header`);
  if (bytes[0] !== WRISTBAND_LAYOUT_VERSION)
    return fail(`layout version ${bytes[0]} is not supported (this box reads version ${WRISTBAND_LAYOUT_VERSION})`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const rateHz = view.getUint16(8, true);
  if (rateHz === 0) return fail('sample rate 0 Hz');
  return ok({ flags: bytes[1]!, sequence: view.getUint16(2, true), deviceTimeMs: view.getUint32(4, true), rateHz });
}

export function parseWristbandImu(bytes: Uint8Array): Parsed<WristbandImu> {
  const h = header(bytes, IMU_HEADER, 'IMU');
  if (!h.ok) return h;
  const { flags, ...head } = h.value;
  const range = bytes[10]!;
  if (!ACC_RANGES.includes(range)) return fail(`accelerometer range ${range} g is not one of ${ACC_RANGES.join(', ')}`);
  const hasGyro = (flags & 0x01) !== 0;
  const gyroRange = bytes[11]! * 250;
  if (hasGyro && gyroRange === 0) return fail('gyroscope present but its range is 0');
  const size = hasGyro ? 12 : 6;
  const body = bytes.length - IMU_HEADER;
  if (body === 0) return fail('IMU notification holds no samples');
  if (body % size !== 0) return fail(`truncated: ${body} bytes is not a whole number of ${size}-byte IMU samples`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const acc: number[] = [];
  const gyro: number[] = [];
  for (let o = IMU_HEADER; o < bytes.length; o += size) {
    for (let c = 0; c < 3; c++) acc.push((view.getInt16(o + 2 * c, true) * range) / 32768);
    if (hasGyro) for (let c = 0; c < 3; c++) gyro.push((view.getInt16(o + 6 + 2 * c, true) * gyroRange) / 32768);
  }
  return ok({ ...head, acc, gyro, count: body / size });
}

function parseValues(
  bytes: Uint8Array,
  what: string,
  read: (view: DataView, o: number) => number,
): Parsed<WristbandValues> {
  const h = header(bytes, HEADER, what);
  if (!h.ok) return h;
  const { flags: _flags, ...head } = h.value;
  const body = bytes.length - HEADER;
  if (body === 0) return fail(`${what} notification holds no samples`);
  if (body % 2 !== 0) return fail(`truncated: ${body} bytes is not a whole number of 2-byte ${what} samples`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values: number[] = [];
  for (let o = HEADER; o < bytes.length; o += 2) values.push(read(view, o));
  return ok({ ...head, values });
}

/** Skin conductance in µS. */
export function parseWristbandEda(bytes: Uint8Array): Parsed<WristbandValues> {
  return parseValues(bytes, 'EDA', (v, o) => v.getUint16(o, true) / 1000);
}

/** Skin temperature in °C. */
export function parseWristbandTemp(bytes: Uint8Array): Parsed<WristbandValues> {
  return parseValues(bytes, 'temperature', (v, o) => v.getInt16(o, true) / 100);
}

function writeHeader(view: DataView, flags: number, h: WristbandHeader): void {
  view.setUint8(0, WRISTBAND_LAYOUT_VERSION);
  view.setUint8(1, flags);
  view.setUint16(2, h.sequence & 0xffff, true);
  view.setUint32(4, h.deviceTimeMs >>> 0, true);
  view.setUint16(8, h.rateHz, true);
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, Math.round(v)));

/** Encodes an IMU notification (what firmware sends; used by the simulator and tests). */
export function encodeWristbandImu(h: WristbandHeader, acc: ArrayLike<number>, rangeG = 8): Uint8Array {
  const count = Math.floor(acc.length / 3);
  const bytes = new Uint8Array(IMU_HEADER + count * 6);
  const view = new DataView(bytes.buffer);
  writeHeader(view, 0, h);
  view.setUint8(10, rangeG);
  for (let i = 0; i < count * 3; i++)
    view.setInt16(IMU_HEADER + 2 * i, clamp((acc[i]! * 32768) / rangeG, -32768, 32767), true);
  return bytes;
}

export function encodeWristbandEda(h: WristbandHeader, microsiemens: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(HEADER + microsiemens.length * 2);
  const view = new DataView(bytes.buffer);
  writeHeader(view, 0, h);
  microsiemens.forEach((v, i) => view.setUint16(HEADER + 2 * i, clamp(v * 1000, 0, 65535), true));
  return bytes;
}

export function encodeWristbandTemp(h: WristbandHeader, celsius: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(HEADER + celsius.length * 2);
  const view = new DataView(bytes.buffer);
  writeHeader(view, 0, h);
  celsius.forEach((v, i) => view.setInt16(HEADER + 2 * i, clamp(v * 100, -32768, 32767), true));
  return bytes;
}
