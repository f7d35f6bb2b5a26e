/**
 * A haptic controller on a serial line (drivers/serial/PROTOCOL.md). Requests are
 * framed with a CRC, acknowledged, retried with the same seq, and kept at most WINDOW in
 * flight. The line may vanish at any time (unplugged, socat killed): the driver reopens it
 * with capped backoff and exactly one pending retry, and says hello again before sending.
 *
 * The rule for commands while the line is down (stated in drivers/serial/PROTOCOL.md): they wait in a bounded
 * queue (oldest dropped first when full) and are sent once the line is back if they are still
 * younger than `deadlineMs`; older ones are dropped as `stale` (a late haptic is worse than
 * none). A command without a reply after `retries` resends is dropped as `no_ack`.
 */
import type { HealthReporter } from '../health/registry.js';
import type { HapticOutput, HapticPulse, PulseOutcome } from '../haptic.js';
import type { SerialHapticOptions } from './serial-haptic-options.js';
import { ReopeningLine } from '../reopening-line.js';
import type { RecordingTap } from '../replay/recording.js';
import { encodeFrame, FrameDecoder, type Frame } from './frame.js';
import { openSerialPort, type OpenSerial, type SerialLink } from './link.js';
import { ALL_CHANNELS, decodeHello, encodePulse, MSG, REPLY, STATUS, type ControllerHello } from './protocol.js';

export { serialHapticDefaults, type SerialHapticOptions } from './serial-haptic-options.js';

/** Requests in flight at once: pipelining keeps a crowd's pulses on the beat. */
const WINDOW = 8;

interface Pending {
  type: number;
  payload: Uint8Array;
  issuedAt: number;
  seq: number;
  attempts: number;
  timer: NodeJS.Timeout | undefined;
  /** Sent as soon as the line is open, before the hello is answered (hello itself). */
  control: boolean;
  resolve: (outcome: PulseOutcome & { reply?: Uint8Array }) => void;
}

export class SerialHapticDriver extends ReopeningLine implements HapticOutput {
  private link: SerialLink | undefined;
  private ready = false;
  private queue: Pending[] = [];
  private readonly inFlight = new Map<number, Pending>();
  private nextSeq = 0;
  private hello: ControllerHello | undefined;
  /** Counters for metrics and tests. */
  readonly stats = { opened: 0, lost: 0, sent: 0, acked: 0, resent: 0, stale: 0, noAck: 0, dropped: 0, rejected: 0 };

  constructor(
    private readonly options: SerialHapticOptions,
    health: HealthReporter,
    private readonly openSerial: OpenSerial = openSerialPort,
    private readonly now: () => number = () => performance.now(),
    /** Sees every frame in and out (the recorder). */
    private readonly tap?: RecordingTap,
  ) {
    super(`haptic:${options.name}`, health, options);
  }

  get channels(): number {
    return this.hello?.channels ?? this.options.channels;
  }

  get connected(): boolean {
    return this.ready;
  }

  get controller(): ControllerHello | undefined {
    return this.hello;
  }

  protected async release(): Promise<void> {
    this.failAll('stopped');
    const link = this.link;
    this.link = undefined;
    this.ready = false;
    await link?.close();
  }

  pulse(pulse: HapticPulse): Promise<PulseOutcome> {
    if (!Number.isInteger(pulse.channel) || pulse.channel < 0 || pulse.channel >= this.channels) {
      return Promise.resolve(
        this.reject(`channel ${pulse.channel} is not on this controller (0..${this.channels - 1})`),
      );
    }
    return this.request(MSG.pulse, encodePulse(pulse));
  }

  stopChannel(channel?: number): Promise<PulseOutcome> {
    return this.request(MSG.stop, Uint8Array.of(channel ?? ALL_CHANNELS));
  }

  private reject(reason: string): PulseOutcome {
    this.stats.rejected++;
    this.health.countError(this.name, 'bad_command');
    return { ok: false, reason };
  }

  private request(type: number, payload: Uint8Array, control = false): Promise<PulseOutcome & { reply?: Uint8Array }> {
    if (!this.running) return Promise.resolve({ ok: false, reason: 'stopped' });
    return new Promise((resolve) => {
      const p: Pending = {
        type,
        payload,
        issuedAt: this.now(),
        seq: -1,
        attempts: 0,
        timer: undefined,
        control,
        resolve,
      };
      if (control) {
        this.send(p);
        return;
      }
      if (this.queue.length >= this.options.maxQueued) {
        const oldest = this.queue.shift()!;
        this.stats.dropped++;
        this.health.countError(this.name, 'queue_full');
        oldest.resolve({ ok: false, reason: 'queue_full' });
      }
      this.queue.push(p);
      this.pump();
    });
  }

  private pump(): void {
    while (this.ready && this.link && this.inFlight.size < WINDOW && this.queue.length > 0) {
      const p = this.queue.shift()!;
      if (this.now() - p.issuedAt > this.options.deadlineMs) {
        this.drop(p, 'stale');
        continue;
      }
      this.send(p);
    }
  }

  private send(p: Pending): void {
    const link = this.link;
    if (!link) return;
    if (p.seq < 0) {
      p.seq = this.nextSeq;
      this.nextSeq = (this.nextSeq + 1) & 0xff;
    } else {
      this.stats.resent++;
    }
    p.attempts++;
    this.stats.sent++;
    this.inFlight.set(p.seq, p);
    const frame = encodeFrame({ seq: p.seq, type: p.type, payload: p.payload });
    link.write(frame);
    this.tap?.({ type: 'serial', port: this.options.name, dir: 'out', hex: frame.toString('hex') });
    p.timer = setTimeout(() => this.timedOut(p), this.options.ackTimeoutMs);
  }

  private timedOut(p: Pending): void {
    p.timer = undefined;
    if (this.inFlight.get(p.seq) !== p) return;
    this.inFlight.delete(p.seq);
    if (p.attempts > this.options.retries) {
      this.drop(p, 'no_ack');
      if (p.control || p.type === MSG.ping)
        this.lineDead(p.type === MSG.hello ? 'no reply to hello' : 'heartbeat lost');
    } else if (!p.control && this.now() - p.issuedAt > this.options.deadlineMs) {
      this.drop(p, 'stale');
    } else {
      // Same seq again, so a controller that did act on it only acknowledges.
      this.send(p);
    }
    this.pump();
  }

  private drop(p: Pending, reason: 'stale' | 'no_ack' | 'stopped'): void {
    if (p.timer) clearTimeout(p.timer);
    p.timer = undefined;
    if (reason === 'stale') this.stats.stale++;
    if (reason === 'no_ack') this.stats.noAck++;
    if (reason !== 'stopped') this.health.countError(this.name, reason);
    p.resolve({ ok: false, reason });
  }

  private failAll(reason: 'stopped'): void {
    for (const p of this.inFlight.values()) this.drop(p, reason);
    this.inFlight.clear();
    for (const p of this.queue) this.drop(p, reason);
    this.queue = [];
  }

  private onFrame(f: Frame): void {
    if ((f.type & REPLY) === 0) {
      this.health.countError(this.name, 'unexpected_frame');
      return;
    }
    const p = this.inFlight.get(f.seq);
    if (!p || p.type !== (f.type & 0x7f)) {
      // A late reply to a request already resent or dropped: harmless, but visible.
      this.health.countError(this.name, 'unmatched_reply');
      return;
    }
    if (p.timer) clearTimeout(p.timer);
    p.timer = undefined;
    this.inFlight.delete(f.seq);
    const status = f.payload[0];
    if (status !== 0) {
      this.health.countError(this.name, 'controller_refused');
      p.resolve({
        ok: false,
        reason: `controller refused: ${status === undefined ? 'empty reply' : (STATUS[status] ?? `status ${status}`)}`,
      });
    } else {
      this.stats.acked++;
      this.health.report(this.name, { lastSampleAt: Date.now() });
      p.resolve({ ok: true, latencyMs: this.now() - p.issuedAt, attempts: p.attempts, reply: f.payload });
    }
    this.pump();
  }

  protected async open(): Promise<void> {
    if (!this.running || this.link) return;
    const link = await this.openLink(this.openSerial, this.options.baudRate);
    if (!link) return;
    this.link = link;
    this.stats.opened++;
    const decoder = new FrameDecoder(
      (f) => this.onFrame(f),
      (problem) => this.health.countError(this.name, problem),
    );
    link.onData((chunk) => {
      this.tap?.({ type: 'serial', port: this.options.name, dir: 'in', hex: Buffer.from(chunk).toString('hex') });
      decoder.push(chunk);
    });
    link.onClose((err) => this.lost(link, err));
    const reply = await this.request(MSG.hello, new Uint8Array(0), true);
    if (this.link !== link) return;
    if (!reply.ok) return; // lineDead already closed the link and scheduled a reopen
    const hello = reply.reply ? decodeHello(reply.reply) : undefined;
    if (!hello?.ok) {
      this.health.countError(this.name, 'bad_hello');
      this.lineDead(hello ? hello.reason : 'empty hello');
      return;
    }
    this.hello = hello.value;
    this.ready = true;
    this.retry.reset();
    this.health.report(this.name, {
      state: 'connected',
      detail: `${this.options.path}: ${hello.value.firmware}, protocol ${hello.value.protocol}, ${hello.value.channels} channels`,
    });
    this.pump();
  }

  /** The controller stopped answering on an open line: close it; `lost` reopens. */
  private lineDead(why: string): void {
    const link = this.link;
    if (!link) return;
    this.health.report(this.name, { state: 'retrying', detail: why });
    void link.close();
  }

  private lost(link: SerialLink, err: Error | null): void {
    if (this.link !== link) return;
    this.link = undefined;
    this.ready = false;
    this.stats.lost++;
    // In-flight requests go back to the front of the queue; the deadline rule decides on return.
    const inFlight = [...this.inFlight.values()].sort((a, b) => a.issuedAt - b.issuedAt);
    this.inFlight.clear();
    for (const p of inFlight) {
      if (p.timer) clearTimeout(p.timer);
      p.timer = undefined;
      p.seq = -1;
      p.attempts = 0;
    }
    this.queue = inFlight.filter((p) => !p.control).concat(this.queue);
    for (const p of inFlight.filter((q) => q.control)) p.resolve({ ok: false, reason: 'line lost' });
    if (!this.running) return;
    const disconnected = (err as { disconnected?: boolean } | null)?.disconnected === true;
    this.health.countError(this.name, disconnected ? 'unplugged' : 'line_closed');
    this.retrying(`${this.options.path} ${disconnected ? 'unplugged' : 'closed'}`);
  }

  protected beat(): void {
    if (!this.ready || this.inFlight.size > 0 || this.queue.length > 0) return;
    void this.request(MSG.ping, new Uint8Array(0));
  }
}
