// The machine's floor for the loaded bench: a bare Node process, at the lane's priority
// (SCHED_FIFO 10 where the bench may), that sends one OSC datagram 60 times a second on the
// schedule the lane's targets use (absolute deadlines, a timer 1 ms early, then yielding until
// due), to the same receiver. Its
// latency (the stamp just before `send` to the receiver's stamp) is the kernel's and the
// receiver's share, which no code in the box can remove; its interval jitter at the receiver
// is the floor of any 60 Hz stream. Prints "ready", then the send stamps as JSON when stdin closes.
import { createSocket } from 'node:dgram';
import { Deadlines, preciseNow } from '../../drivers/precise-timer.js';
import { monoMs } from './figure.js';

const port = Number(process.argv[2]);
const PERIOD_MS = 1000 / 60;
// "/bench/floor\0\0\0\0" ",\0\0\0": an OSC message with no arguments.
const datagram = Buffer.from('/bench/floor\0\0\0\0,\0\0\0', 'latin1');
const stamps: number[] = [];
const sock = createSocket('udp4');
sock.connect(port, '127.0.0.1', () => {
  const deadlines = new Deadlines(PERIOD_MS, preciseNow());
  let running = true;
  const schedule = (): void => {
    const due = deadlines.next(preciseNow());
    const fire = (): void => {
      if (!running) return;
      if (preciseNow() < due - 0.05) return void setImmediate(fire);
      stamps.push(monoMs());
      sock.send(datagram);
      schedule();
    };
    setTimeout(fire, Math.max(0, due - preciseNow() - 1));
  };
  schedule();
  process.stdout.write('ready\n');
  process.stdin.resume();
  process.stdin.on('end', () => {
    running = false;
    process.stdout.write(`${JSON.stringify(stamps)}\n`, () => process.exit(0));
  });
});
