// A separate process that receives OSC datagrams on loopback and stamps each message's arrival
// with CLOCK_MONOTONIC (process.hrtime), which is shared by every process on the machine, so
// the sender's stamps and these compare directly. Prints one JSON object when stdin closes.
// With `sink`, it stands for a desk that takes the box's whole address space: it only counts
// datagrams, so its own work (a desk's, on another machine in a venue) costs the box little.
import { createSocket } from 'node:dgram';

const sink = process.argv[2] === 'sink';
let datagrams = 0;

const arrivals: Record<string, number[]> = {};
const sock = createSocket('udp4');
const record = (address: string, t: number): number => (arrivals[address] ??= []).push(t);

function walk(buf: Buffer, t: number): void {
  if (buf.subarray(0, 8).toString('latin1') === '#bundle\0') {
    let at = 16;
    while (at + 4 <= buf.length) {
      const size = buf.readUInt32BE(at);
      walk(buf.subarray(at + 4, at + 4 + size), t);
      at += 4 + size;
    }
    return;
  }
  const end = buf.indexOf(0);
  record(buf.subarray(0, end < 0 ? buf.length : end).toString('latin1'), t);
}

sock.on('message', (buf: Buffer) => {
  if (sink) datagrams++;
  else walk(buf, Number(process.hrtime.bigint()) / 1e6);
});
sock.bind(0, '127.0.0.1', () => process.stdout.write(`${sock.address().port}\n`));
process.stdin.resume();
process.stdin.on('end', () => {
  // A pipe write is asynchronous: exit only once it is flushed.
  process.stdout.write(`${JSON.stringify(sink ? { datagrams } : arrivals)}\n`, () => process.exit(0));
});
