/**
 * OSC packets out, encoded by the `osc` package. Messages are encoded once; bundles are
 * assembled from already-encoded messages (header, time tag, size-prefixed elements), so
 * splitting a tick's values across several datagrams costs no second encoding.
 */
import osc from 'osc';

/** The argument types the box sends (OSC 1.0 core plus T/F). */
export type OutArg =
  | { type: 'f' | 'i'; value: number }
  | { type: 's'; value: string }
  | { type: 'b'; value: Uint8Array }
  | { type: 'T' | 'F' };

export interface OutMessage {
  address: string;
  args: OutArg[];
}

interface OscWriter {
  writePacket(packet: unknown, options: { metadata: true }): Uint8Array;
  writeTimeTag(tag: { raw: [number, number] } | { native: number }): Uint8Array;
}
const writer = osc as OscWriter;

const BUNDLE_HEADER = new TextEncoder().encode('#bundle\0');
/** Time tag [0, 1]: "immediately" (OSC 1.0). */
const IMMEDIATELY = writer.writeTimeTag({ raw: [0, 1] });
/** Bytes a bundle adds around its elements: header and time tag. */
export const BUNDLE_OVERHEAD = 16;

export function encodeMessage(m: OutMessage): Uint8Array {
  return writer.writePacket({ address: m.address, args: m.args }, { metadata: true });
}

const utf8 = new TextEncoder();
const padded = (n: number): number => (n + 4) & ~3;

/**
 * The fixed part of a one-argument message (address and type tag, each null-padded to four
 * bytes): made once per address, so a value is encoded by copying it and writing four bytes.
 */
export function messageHead(address: string, type: 'f' | 'i' | 'T' | 'F'): Uint8Array {
  const a = utf8.encode(address);
  const head = new Uint8Array(padded(a.length) + 4);
  head.set(a);
  head[padded(a.length)] = 0x2c; // ','
  head[padded(a.length) + 1] = type.charCodeAt(0);
  return head;
}

/** A one-argument message from its head; the same bytes `encodeMessage` makes. */
export function encodeScalar(head: Uint8Array, type: 'f' | 'i' | 'T' | 'F', value: number): Uint8Array {
  if (type === 'T' || type === 'F') return head.slice();
  const out = new Uint8Array(head.length + 4);
  out.set(head);
  const view = new DataView(out.buffer);
  if (type === 'f') view.setFloat32(head.length, value);
  else view.setInt32(head.length, value);
  return out;
}

/**
 * Encodes messages to a bounded set of addresses (a show's trigger addresses: a few per rule
 * and slot): a one-scalar message by copying its address's head, anything else by `osc`.
 */
export class HeadCache {
  private readonly heads = new Map<string, { type: string; head: Uint8Array }>();

  constructor(private readonly max = 4096) {}

  encode(address: string, args: OutArg[]): Uint8Array {
    const a = args.length === 1 ? args[0]! : undefined;
    if (!a || a.type === 's' || a.type === 'b') return encodeMessage({ address, args });
    let h = this.heads.get(address);
    if (!h || h.type !== a.type) {
      if (this.heads.size >= this.max) this.heads.clear();
      this.heads.set(address, (h = { type: a.type, head: messageHead(address, a.type) }));
    }
    return encodeScalar(h.head, a.type, 'value' in a ? a.value : 0);
  }
}

/** The OSC time tag for wall-clock ms, or "immediately". */
export function timeTagBytes(atMs: number | undefined): Uint8Array {
  return atMs === undefined ? IMMEDIATELY : writer.writeTimeTag({ native: atMs });
}

/** One bundle from encoded messages. */
export function bundleOf(encoded: Uint8Array[], atMs?: number): Uint8Array {
  let size = BUNDLE_OVERHEAD;
  for (const e of encoded) size += 4 + e.length;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out.set(BUNDLE_HEADER, 0);
  out.set(timeTagBytes(atMs), 8);
  let at = BUNDLE_OVERHEAD;
  for (const e of encoded) {
    view.setUint32(at, e.length);
    out.set(e, at + 4);
    at += 4 + e.length;
  }
  return out;
}

/**
 * Packs encoded messages into as few bundles as fit in `maxBytes` each. A message too large
 * for any bundle is returned on its own (the transport then reports it).
 */
export function packBundles(encoded: Uint8Array[], maxBytes: number, atMs?: number): Uint8Array[] {
  const packets: Uint8Array[] = [];
  let group: Uint8Array[] = [];
  let size = BUNDLE_OVERHEAD;
  for (const e of encoded) {
    if (BUNDLE_OVERHEAD + 4 + e.length > maxBytes) {
      packets.push(e);
      continue;
    }
    if (size + 4 + e.length > maxBytes) {
      packets.push(bundleOf(group, atMs));
      group = [];
      size = BUNDLE_OVERHEAD;
    }
    group.push(e);
    size += 4 + e.length;
  }
  if (group.length > 0) packets.push(bundleOf(group, atMs));
  return packets;
}
