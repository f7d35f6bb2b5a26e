// The machine's floor for the loaded bench: bare Node code at the lane's priority (SCHED_FIFO 10
// where the bench may) that sends one OSC datagram 60 times a second on the schedule the lane's
// targets use (absolute deadlines, a timer 1 ms early, then yielding until due), to the same
// receiver. Its latency (the stamp just before `send` to the receiver's stamp) is the kernel's
// and the receiver's share, which no code in the box can remove; its interval jitter at the
// receiver is the floor of any 60 Hz stream.
// As a process (argv: the receiver's port) it sends /bench/floor, prints "ready", then its send
// stamps as JSON when stdin closes. As a worker thread inside the daemon's process (workerData:
// the port) it sends /bench/floor-thread and posts its stamps when told "stop": the same code,
// sharing the daemon's process as the lane does.
import { createSocket } from 'node:dgram';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { raisePriority } from '../../daemon/lane/priority.js';
import { Deadlines, preciseNow } from '../../drivers/precise-timer.js';
import { monoMs } from './figure.js';

const port = isMainThread ? Number(process.argv[2]) : (workerData as number);
const PERIOD_MS = 1000 / 60;
// An OSC message with no arguments: the address and "," each padded to four bytes.
const address = isMainThread ? '/bench/floor' : '/bench/floor-thread';
const padded = (s: string) => s + '\0'.repeat(4 - (s.length % 4));
const datagram = Buffer.from(padded(address) + padded(','), 'latin1');
const stamps: number[] = [];
const sock = createSocket('udp4');
if (!isMainThread) raisePriority(null, 10);
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
  if (isMainThread) {
    process.stdout.write('ready\n');
    process.stdin.resume();
    process.stdin.on('end', () => {
      running = false;
      process.stdout.write(`${JSON.stringify(stamps)}\n`, () => process.exit(0));
    });
  } else {
    parentPort!.postMessage('ready');
    parentPort!.once('message', () => {
      running = false;
      sock.close();
      parentPort!.postMessage(stamps);
    });
  }
});
