// A separate process that receives sACN on 127.0.0.1:5568 (the E1.31 port) and stamps, with
// CLOCK_MONOTONIC (shared by every process on the machine), each packet whose first slot
// differs from the previous packet's. Prints one JSON object when stdin closes.
import { createSocket } from 'node:dgram';

const changes: { at: number; value: number }[] = [];
let packets = 0;
let last = -1;
const sock = createSocket({ type: 'udp4', reuseAddr: true });
sock.on('message', (buf: Buffer) => {
  const at = Number(process.hrtime.bigint()) / 1e6;
  packets++;
  // Slot 1 follows the 126-byte root, framing and DMP headers.
  const value = buf[126] ?? -1;
  if (value !== last) changes.push({ at, value });
  last = value;
});
sock.bind(5568, '127.0.0.1', () => process.stdout.write('ready\n'));
process.stdin.resume();
process.stdin.on('end', () => {
  process.stdout.write(`${JSON.stringify({ packets, changes })}\n`, () => process.exit(0));
});
