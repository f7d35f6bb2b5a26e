/**
 * The sACN and Art-Net packets, read back by independent decoders written from the standards'
 * field tables (ANSI E1.31-2018 §4–7, Art-Net 4 ArtDmx), for any universe, priority, sequence,
 * source name and frame (fast-check). OLA reading them is in test/integration/dmx-ola.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeArtDmx } from '../../../drivers/dmx/artnet.js';
import { e131Multicast, encodeE131 } from '../../../drivers/dmx/e131.js';

function decodeE131(p: Uint8Array) {
  const v = new DataView(p.buffer, p.byteOffset, p.byteLength);
  const pdu = (at: number) => ({ flags: v.getUint16(at) >> 12, length: v.getUint16(at) & 0x0fff });
  const count = v.getUint16(123) - 1;
  return {
    preamble: v.getUint16(0),
    acn: new TextDecoder().decode(p.subarray(4, 13)),
    root: pdu(16),
    rootVector: v.getUint32(18),
    cid: [...p.subarray(22, 38)],
    framing: pdu(38),
    framingVector: v.getUint32(40),
    name: new TextDecoder().decode(p.subarray(44, 108)).replace(/\0+$/, ''),
    priority: p[108],
    sequence: p[111],
    options: p[112],
    universe: v.getUint16(113),
    dmp: pdu(115),
    dmpVector: p[117],
    types: p[118],
    firstAddress: v.getUint16(119),
    increment: v.getUint16(121),
    startCode: p[125],
    slots: [...p.subarray(126, 126 + count)],
    total: p.length,
  };
}

function decodeArtDmx(p: Uint8Array) {
  return {
    id: new TextDecoder().decode(p.subarray(0, 8)),
    opcode: p[8]! | (p[9]! << 8),
    version: (p[10]! << 8) | p[11]!,
    sequence: p[12],
    portAddress: p[14]! | (p[15]! << 8),
    length: (p[16]! << 8) | p[17]!,
    slots: [...p.subarray(18)],
  };
}

describe('sACN (E1.31) data packets', () => {
  it('lay out every layer as the standard says, for any universe and frame', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 63_999 }),
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.string({ maxLength: 80 }),
        fc.uint8Array({ minLength: 1, maxLength: 512 }),
        (universe, priority, sequence, cid, name, slots) => {
          const d = decodeE131(encodeE131({ universe, priority, sequence, cid, sourceName: name, slots }));
          const total = 126 + slots.length;
          expect(d).toMatchObject({
            preamble: 0x10,
            acn: 'ASC-E1.17',
            root: { flags: 7, length: total - 16 },
            rootVector: 4,
            cid: [...cid],
            framing: { flags: 7, length: total - 38 },
            framingVector: 2,
            priority,
            sequence: sequence & 0xff,
            options: 0,
            universe,
            dmp: { flags: 7, length: total - 115 },
            dmpVector: 2,
            types: 0xa1,
            firstAddress: 0,
            increment: 1,
            startCode: 0,
            slots: [...slots],
            total,
          });
          // The name is cut to fit its 64-byte field with a terminating zero.
          expect(new TextEncoder().encode(d.name).length).toBeLessThanOrEqual(63);
        },
      ),
    );
  });

  it('multicasts universe N to 239.255.hi.lo', () => {
    expect(e131Multicast(1)).toBe('239.255.0.1');
    expect(e131Multicast(258)).toBe('239.255.1.2');
  });
});

describe('Art-Net ArtDmx packets', () => {
  it('carry the port-address, sequence and an even-length frame, for any universe', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 32_767 }),
        fc.integer({ min: 1, max: 255 }),
        fc.uint8Array({ minLength: 1, maxLength: 512 }),
        (portAddress, sequence, slots) => {
          const d = decodeArtDmx(encodeArtDmx({ portAddress, sequence, slots }));
          const length = Math.max(2, slots.length + (slots.length % 2));
          expect(d).toMatchObject({ id: 'Art-Net\0', opcode: 0x5000, version: 14, sequence, portAddress, length });
          expect(d.slots.slice(0, slots.length)).toEqual([...slots]);
          expect(d.slots).toHaveLength(length);
        },
      ),
    );
  });
});
