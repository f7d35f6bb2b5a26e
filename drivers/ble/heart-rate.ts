/**
 * Heart Rate Measurement (characteristic 0x2A37 of the Heart Rate service 0x180D), as the
 * Bluetooth SIG's Heart Rate Service 1.0 lays it out:
 *
 *   flags u8 | HR u8 or u16 LE | [energy expended u16 LE, kJ] | [RR u16 LE, 1/1024 s]*
 *
 * flags bit0: HR is uint16; bit1: sensor contact detected; bit2: contact supported;
 * bit3: energy expended present; bit4: RR intervals present. RR stays in its raw 1/1024 s
 * units (vendors round differently when converting; convert once, downstream). Reserved
 * flag bits (5-7) are ignored, as the specification asks of a receiver.
 */
import { fail, ok, type Parsed } from '../../config/parsed.js';

export interface HeartRateMeasurement {
  hr: number;
  contactSupported: boolean;
  /** Only meaningful when the sensor supports contact detection; null otherwise. */
  contact: boolean | null;
  energyKj: number | null;
  rr1024: number[];
}

/** The default ATT MTU is 23, leaving 20 bytes of value; a longer notification is malformed. */
export const HRM_MAX_BYTES = 20;

export function parseHeartRateMeasurement(bytes: Uint8Array, maxBytes = HRM_MAX_BYTES): Parsed<HeartRateMeasurement> {
  if (bytes.length < 2) return fail(`too short: ${bytes.length} byte(s), a measurement needs flags and a heart rate`);
  if (bytes.length > maxBytes) return fail(`too long: ${bytes.length} bytes, at most ${maxBytes} fit one notification`);
  const flags = bytes[0]!;
  const wide = (flags & 0x01) !== 0;
  const contactSupported = (flags & 0x04) !== 0;
  const hasEnergy = (flags & 0x08) !== 0;
  const hasRr = (flags & 0x10) !== 0;
  let offset = 1;
  if (wide && bytes.length < 3) return fail('truncated: flags say a uint16 heart rate but only 1 byte follows');
  const hr = wide ? bytes[1]! | (bytes[2]! << 8) : bytes[1]!;
  offset += wide ? 2 : 1;
  let energyKj: number | null = null;
  if (hasEnergy) {
    if (bytes.length < offset + 2) return fail('truncated: flags say energy expended is present but it is missing');
    energyKj = bytes[offset]! | (bytes[offset + 1]! << 8);
    offset += 2;
  }
  const rr1024: number[] = [];
  if (hasRr) {
    const rest = bytes.length - offset;
    if (rest === 0) return fail('truncated: flags say RR intervals are present but none follow');
    if (rest % 2 !== 0)
      return fail(`truncated: ${rest} byte(s) of RR intervals is not a whole number of uint16 values`);
    for (; offset < bytes.length; offset += 2) rr1024.push(bytes[offset]! | (bytes[offset + 1]! << 8));
  } else if (offset !== bytes.length) {
    return fail(`${bytes.length - offset} unexpected trailing byte(s) after the fields the flags announce`);
  }
  return ok({ hr, contactSupported, contact: contactSupported ? (flags & 0x02) !== 0 : null, energyKj, rr1024 });
}

/** Builds a measurement (used by the simulated wristbands, tests and the bench). */
export function encodeHeartRateMeasurement(m: {
  hr: number;
  contact?: boolean | null;
  energyKj?: number | null;
  rr1024?: readonly number[];
}): Uint8Array {
  const wide = m.hr > 255;
  const rr = m.rr1024 ?? [];
  let flags = wide ? 0x01 : 0;
  if (m.contact !== undefined && m.contact !== null) flags |= 0x04 | (m.contact ? 0x02 : 0);
  if (m.energyKj !== undefined && m.energyKj !== null) flags |= 0x08;
  if (rr.length > 0) flags |= 0x10;
  const out: number[] = [flags, m.hr & 0xff];
  if (wide) out.push((m.hr >> 8) & 0xff);
  if (m.energyKj !== undefined && m.energyKj !== null) out.push(m.energyKj & 0xff, (m.energyKj >> 8) & 0xff);
  for (const r of rr) out.push(r & 0xff, (r >> 8) & 0xff);
  return Uint8Array.from(out);
}
