/**
 * Where encoded OSC packets go: a UDP datagram, or a SLIP frame on a TCP connection that is
 * reopened with backoff. Sending never throws and never queues for long: a value that cannot
 * go out now is dropped and counted, because the next one supersedes it.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, type Socket as TcpSocket } from 'node:net';
import { isLoopbackHost } from '../net/allow-list.js';
import { Retry, type BackoffLimits } from '../backoff.js';
import type { HealthReporter } from '../health/registry.js';
import { slipEncode } from './slip.js';

export interface OscTransport {
  /** False when the packet was dropped (not connected, congested, too large). */
  send(packet: Uint8Array): boolean;
  start(): void;
  stop(): Promise<void>;
}

export interface TransportTarget {
  id: string;
  host: string;
  port: number;
  maxPacketBytes: number;
}

export class UdpTransport implements OscTransport {
  private socket: UdpSocket | undefined;
  /** Connected to the target: a send is one syscall, with no address lookup or callback. */
  private connected = false;

  constructor(
    private readonly target: TransportTarget,
    private readonly health: HealthReporter,
  ) {}

  start(): void {
    const socket = createSocket(this.target.host.includes(':') ? 'udp6' : 'udp4');
    // ICMP "port unreachable" from a desk that is off arrives as an error on the next send; it is not fatal.
    socket.on('error', (err) => {
      this.health.countError(this.target.id, 'send_failed');
      this.health.report(this.target.id, { lastError: err.message });
    });
    socket.unref();
    const connect = (): void => {
      socket.connect(this.target.port, this.target.host, () => {
        if (this.socket === socket) this.connected = true;
      });
    };
    // A desk on this machine gets a socket bound to loopback, so the box opens nothing on the
    // venue network for it (sends made before the bind completes are queued by dgram).
    if (isLoopbackHost(this.target.host))
      socket.bind({ address: this.target.host === 'localhost' ? '127.0.0.1' : this.target.host, port: 0 }, connect);
    else connect();
    this.socket = socket;
    this.health.report(this.target.id, {
      type: 'subsystem',
      state: 'connected',
      detail: `udp ${this.target.host}:${this.target.port}`,
    });
  }

  send(packet: Uint8Array): boolean {
    if (!this.socket) return false;
    if (packet.length > this.target.maxPacketBytes) {
      this.health.countError(this.target.id, 'too_large');
      return false;
    }
    if (this.connected) this.socket.send(packet);
    else
      this.socket.send(packet, this.target.port, this.target.host, (err) => {
        if (err) this.health.countError(this.target.id, 'send_failed');
      });
    return true;
  }

  stop(): Promise<void> {
    const s = this.socket;
    this.socket = undefined;
    this.connected = false;
    this.health.report(this.target.id, { state: 'stopped' });
    return new Promise((res) => (s ? s.close(() => res()) : res()));
  }
}

/** Bytes allowed to wait in the kernel and Node's buffer before sends are dropped. */
const TCP_HIGH_WATER = 256 * 1024;

export class TcpSlipTransport implements OscTransport {
  private socket: TcpSocket | undefined;
  private connected = false;
  private stopped = false;
  private readonly retry: Retry;

  constructor(
    private readonly target: TransportTarget,
    private readonly health: HealthReporter,
    backoff: BackoffLimits = { initialMs: 200, maxMs: 5000, factor: 2 },
  ) {
    this.retry = new Retry(backoff);
  }

  start(): void {
    this.stopped = false;
    this.open();
  }

  private open(): void {
    if (this.stopped) return;
    this.health.report(this.target.id, {
      type: 'subsystem',
      state: this.retry.attempts > 0 ? 'retrying' : 'starting',
      detail: `tcp ${this.target.host}:${this.target.port}`,
    });
    const socket = connect({ host: this.target.host, port: this.target.port });
    socket.setNoDelay(true);
    this.socket = socket;
    socket.on('connect', () => {
      this.connected = true;
      this.retry.reset();
      this.health.report(this.target.id, {
        state: 'connected',
        detail: `tcp+slip ${this.target.host}:${this.target.port}`,
      });
    });
    // A desk may talk back (Eos does); the box does not take commands on this link.
    socket.on('data', () => undefined);
    socket.on('error', (err) => this.health.report(this.target.id, { lastError: err.message }));
    socket.on('close', () => {
      this.connected = false;
      if (this.socket === socket) this.socket = undefined;
      if (this.stopped) return;
      this.health.report(this.target.id, { state: 'retrying' });
      this.retry.schedule(() => this.open());
    });
  }

  send(packet: Uint8Array): boolean {
    const s = this.socket;
    if (!s || !this.connected) {
      this.health.countError(this.target.id, 'not_connected');
      return false;
    }
    if (packet.length > this.target.maxPacketBytes) {
      this.health.countError(this.target.id, 'too_large');
      return false;
    }
    if (s.writableLength > TCP_HIGH_WATER) {
      this.health.countError(this.target.id, 'congested');
      return false;
    }
    s.write(slipEncode(packet));
    return true;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.retry.cancel();
    const s = this.socket;
    this.socket = undefined;
    this.connected = false;
    this.health.report(this.target.id, { state: 'stopped' });
    if (s && !s.destroyed) await new Promise<void>((res) => s.end(() => res()));
    s?.destroy();
  }
}
