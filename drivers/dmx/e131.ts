/**
 * ANSI E1.31 (sACN) data packets: the root, framing and DMP layers around one 512-slot
 * universe, byte for byte as the standard lays them out. Pure: the caller owns the socket,
 * the sequence number and the component id (CID).
 */

export const E131_PORT = 5568;
const HEADER_BYTES = 126;
const ACN_ID = [0x41, 0x53, 0x43, 0x2d, 0x45, 0x31, 0x2e, 0x31, 0x37, 0x00, 0x00, 0x00];

export interface E131Frame {
  /** 1..63999. */
  universe: number;
  /** 0..200; receivers merge sources by it (100 is the default). */
  priority: number;
  sequence: number;
  /** 16 bytes identifying this sender for the life of the box. */
  cid: Uint8Array;
  /** Shown by receivers; truncated to 63 bytes. */
  sourceName: string;
  /** Up to 512 slot values. */
  slots: Uint8Array;
}

/** The multicast group a universe is sent to (239.255.hi.lo). */
export const e131Multicast = (universe: number): string => `239.255.${universe >> 8}.${universe & 0xff}`;

/** The flags-and-length field every layer starts with: 0x7 in the top nibble, the layer's length below. */
function flagsLength(view: DataView, at: number, length: number): void {
  view.setUint16(at, 0x7000 | (length & 0x0fff));
}

export function encodeE131(f: E131Frame): Uint8Array {
  const count = Math.min(512, f.slots.length);
  const total = HEADER_BYTES + count;
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  // Root layer.
  view.setUint16(0, 0x0010);
  view.setUint16(2, 0x0000);
  bytes.set(ACN_ID, 4);
  flagsLength(view, 16, total - 16);
  view.setUint32(18, 0x00000004);
  bytes.set(f.cid.subarray(0, 16), 22);
  // Framing layer.
  flagsLength(view, 38, total - 38);
  view.setUint32(40, 0x00000002);
  const name = new TextEncoder().encode(f.sourceName).subarray(0, 63);
  bytes.set(name, 44);
  bytes[108] = Math.max(0, Math.min(200, Math.round(f.priority)));
  view.setUint16(109, 0); // synchronization address: none
  bytes[111] = f.sequence & 0xff;
  bytes[112] = 0; // options: not preview, not terminated
  view.setUint16(113, f.universe);
  // DMP layer.
  flagsLength(view, 115, total - 115);
  bytes[117] = 0x02;
  bytes[118] = 0xa1;
  view.setUint16(119, 0x0000);
  view.setUint16(121, 0x0001);
  view.setUint16(123, count + 1);
  bytes[125] = 0x00; // DMX start code
  bytes.set(f.slots.subarray(0, count), HEADER_BYTES);
  return bytes;
}
