/**
 * SLIP framing (RFC 1055) for OSC over TCP, as OSC 1.1 specifies and ETC Eos expects: each
 * packet is sent as END, the escaped bytes, END (the leading END flushes any line noise).
 */
const END = 0xc0;
const ESC = 0xdb;
const ESC_END = 0xdc;
const ESC_ESC = 0xdd;

export function slipEncode(packet: Uint8Array): Uint8Array {
  let extra = 2;
  for (const b of packet) if (b === END || b === ESC) extra++;
  const out = new Uint8Array(packet.length + extra);
  let i = 0;
  out[i++] = END;
  for (const b of packet) {
    if (b === END) {
      out[i++] = ESC;
      out[i++] = ESC_END;
    } else if (b === ESC) {
      out[i++] = ESC;
      out[i++] = ESC_ESC;
    } else out[i++] = b;
  }
  out[i] = END;
  return out;
}
