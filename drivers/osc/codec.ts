/**
 * OSC packets in (OSC 1.0/1.1) with the `osc` package's reader, wrapped so that a malformed
 * datagram comes back as a reason and never as an exception: OSC in is open to anything on
 * the venue network. Two tolerances on top of osc.js: a message with no type tag string at
 * all (OSC 1.0 senders) is read as having no arguments, and the size is bounded by UDP's.
 * Known limit: osc.js rejects arrays nested inside arrays.
 */
import osc from 'osc';
import { fail, ok, type Parsed } from '../../config/parsed.js';

export type OscArg = { type: string; value: unknown } | OscArg[];
export interface OscMessage {
  address: string;
  args: OscArg[];
}
export interface OscBundle {
  /** NTP seconds and fraction; [0, 1] means "immediately". */
  timeTag: [number, number];
  elements: OscPacket[];
}
export type OscPacket = OscMessage | OscBundle;

export const MAX_OSC_BYTES = 65_507;

interface RawBundle {
  timeTag: { raw: [number, number] };
  packets: RawPacket[];
}
type RawPacket = OscMessage | RawBundle;

function normalise(p: RawPacket): OscPacket {
  if ('address' in p) return { address: p.address, args: p.args };
  return { timeTag: p.timeTag.raw, elements: p.packets.map(normalise) };
}

/** The address string alone, padded to 4 bytes, with nothing after it. */
function bareAddress(bytes: Uint8Array): string | undefined {
  if (bytes[0] !== 0x2f) return undefined;
  const end = bytes.indexOf(0);
  if (end < 0 || Math.ceil((end + 1) / 4) * 4 !== bytes.length) return undefined;
  for (let i = end; i < bytes.length; i++) if (bytes[i] !== 0) return undefined;
  return Buffer.from(bytes.subarray(0, end)).toString('latin1');
}

export function decodeOscPacket(bytes: Uint8Array): Parsed<OscPacket> {
  if (bytes.length === 0) return fail('empty datagram');
  if (bytes.length > MAX_OSC_BYTES) return fail(`datagram of ${bytes.length} bytes is larger than UDP allows`);
  const bare = bareAddress(bytes);
  if (bare !== undefined) return ok({ address: bare, args: [] });
  try {
    const raw = (osc as { readPacket(d: Uint8Array, o: object): RawPacket }).readPacket(bytes, {
      metadata: true,
      unpackSingleArgs: false,
    });
    return ok(normalise(raw));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return fail(`malformed OSC: ${message.length > 160 ? `${message.slice(0, 157)}...` : message}`);
  }
}
