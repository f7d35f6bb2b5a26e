/**
 * Messages of the haptic serial protocol, version 1. Every request from the box gets exactly
 * one reply with the same seq and type | 0x80, whose payload starts with a status byte.
 * A controller remembers the last 32 seqs it acted on: a request carrying one of them (the
 * box retried because a reply was lost) is acknowledged again without acting twice. The box
 * keeps at most 8 requests in flight, so a seq is never reused inside that memory.
 */
import { HAPTIC_PATTERNS, type HapticPattern, type HapticPulse } from '../haptic.js';
import { fail, ok, type Parsed } from '../../config/parsed.js';

export const PROTOCOL_VERSION = 1;

export const MSG = {
  /** → protocol version u8, channel count u8, firmware version (ASCII, rest of payload) */
  hello: 0x01,
  /** heartbeat; → status only */
  ping: 0x02,
  /** channel u8, pattern u8, intensity u8 (0..255), duration u16 LE ms; → status */
  pulse: 0x10,
  /** channel u8 (0xFF = all); → status */
  stop: 0x11,
} as const;

export const REPLY = 0x80;

export const STATUS: Record<number, string> = {
  0: 'ok',
  1: 'unknown message type',
  2: 'bad payload length',
  3: 'no such channel',
  4: 'unknown pattern',
  5: 'busy',
};

export const ALL_CHANNELS = 0xff;
export const MAX_DURATION_MS = 10_000;

export function encodePulse(p: HapticPulse): Uint8Array {
  const out = new Uint8Array(5);
  out[0] = p.channel;
  out[1] = HAPTIC_PATTERNS.indexOf(p.pattern);
  out[2] = Math.round(Math.min(1, Math.max(0, p.intensity)) * 255);
  const d = Math.min(MAX_DURATION_MS, Math.max(0, Math.round(p.durationMs)));
  out[3] = d & 0xff;
  out[4] = d >> 8;
  return out;
}

export function decodePulse(payload: Uint8Array): Parsed<HapticPulse> {
  if (payload.length !== 5) return fail(`pulse payload must be 5 bytes, got ${payload.length}`);
  const pattern: HapticPattern | undefined = HAPTIC_PATTERNS[payload[1]!];
  if (!pattern) return fail(`unknown pattern ${payload[1]}`);
  const durationMs = payload[3]! | (payload[4]! << 8);
  if (durationMs > MAX_DURATION_MS) return fail(`duration ${durationMs} ms exceeds ${MAX_DURATION_MS}`);
  return ok({ channel: payload[0]!, pattern, intensity: payload[2]! / 255, durationMs });
}

export interface ControllerHello {
  protocol: number;
  channels: number;
  firmware: string;
}

export function encodeHello(h: ControllerHello): Uint8Array {
  return Uint8Array.from([0, h.protocol, h.channels, ...Buffer.from(h.firmware.slice(0, 64), 'ascii')]);
}

/** Parses a hello reply's payload (after the status byte has been checked). */
export function decodeHello(payload: Uint8Array): Parsed<ControllerHello> {
  if (payload.length < 3) return fail(`hello reply must be at least 3 bytes, got ${payload.length}`);
  const firmware = Buffer.from(payload.subarray(3)).toString('latin1');
  if (!/^[\x20-\x7e]*$/.test(firmware)) return fail('firmware version is not printable ASCII');
  return ok({ protocol: payload[1]!, channels: payload[2]!, firmware });
}
