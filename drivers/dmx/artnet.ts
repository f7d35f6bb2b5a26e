/**
 * Art-Net 4 ArtDmx packets: one universe (a 15-bit port-address: net, sub-net, universe) of
 * up to 512 slots. Pure: the caller owns the socket and the sequence number.
 */

export const ARTNET_PORT = 6454;
const ID = [0x41, 0x72, 0x74, 0x2d, 0x4e, 0x65, 0x74, 0x00];
const OP_DMX = 0x5000;
const PROTOCOL_VERSION = 14;

export interface ArtDmxFrame {
  /** Port-address 0..32767 (net << 8 | sub-net << 4 | universe). */
  portAddress: number;
  /** 1..255, wrapping past 0 (0 tells receivers not to reorder). */
  sequence: number;
  slots: Uint8Array;
}

export function encodeArtDmx(f: ArtDmxFrame): Uint8Array {
  // The length must be even, 2..512.
  const count = Math.max(2, Math.min(512, f.slots.length + (f.slots.length % 2)));
  const bytes = new Uint8Array(18 + count);
  bytes.set(ID, 0);
  bytes[8] = OP_DMX & 0xff; // opcode, little-endian
  bytes[9] = OP_DMX >> 8;
  bytes[10] = 0;
  bytes[11] = PROTOCOL_VERSION;
  bytes[12] = f.sequence & 0xff;
  bytes[13] = 0; // physical input port
  bytes[14] = f.portAddress & 0xff; // SubUni
  bytes[15] = (f.portAddress >> 8) & 0x7f; // Net
  bytes[16] = count >> 8;
  bytes[17] = count & 0xff;
  bytes.set(f.slots.subarray(0, count), 18);
  return bytes;
}
