/**
 * Haptic motors (or LEDs) on an Arduino running StandardFirmata, through johnny-five, behind
 * the same `HapticOutput` as the serial controllers. Each channel is a PWM pin driven as a
 * johnny-five `Led` (a motor behind a transistor dims like an LED). The serial line comes from
 * the same injected binding as the serial driver, so unplug/replug is handled the same way:
 * reopen with capped backoff, a new Firmata session, channels restored.
 *
 * Firmata has no acknowledgements: `ok` means the bytes were handed to the line.
 */
import { EventEmitter } from 'node:events';
import type FirmataIo from 'firmata-io';
import type Five from 'johnny-five';
import type { HealthReporter } from '../health/registry.js';
import type { HapticOutput, HapticPulse, PulseOutcome } from '../haptic.js';
import { patternSteps } from '../haptic-patterns.js';
import type { BackoffLimits } from '../backoff.js';
import { ReopeningLine } from '../reopening-line.js';
import { openSerialPort, type OpenSerial, type SerialLink } from '../serial/link.js';

export interface FirmataHapticOptions {
  name: string;
  path: string;
  baudRate: number;
  /** PWM pin of each channel, in channel order. */
  pins: number[];
  /** How long the board may take to answer firmata.js's handshake. */
  readyTimeoutMs: number;
  /**
   * A version query every this often; three unanswered in a row close the line and reopen it
   * (an unplugged board does not always make the port report a close).
   */
  heartbeatMs: number;
  reopen: BackoffLimits;
}

/** johnny-five and firmata.js, loaded when a Firmata controller first opens (a box without one never loads them). */
let libraries: Promise<{ five: typeof Five; bindFirmata: typeof FirmataIo }> | undefined;
const loadLibraries = () =>
  (libraries ??= Promise.all([import('johnny-five'), import('firmata-io')]).then(([f, b]) => ({
    five: f.default,
    bindFirmata: b.default,
  })));

/** firmata.js wants a serialport-like emitter; this adapts any `SerialLink` to it. */
class LinkTransport extends EventEmitter {
  constructor(private readonly link: SerialLink) {
    super();
    link.onData((chunk) => this.emit('data', Buffer.from(chunk)));
  }
  write(data: Buffer, done?: () => void): void {
    this.link.write(data);
    done?.();
  }
}

interface Session {
  link: SerialLink;
  io: { reportVersion(callback: () => void): void };
  lastAlive: number;
  five: typeof Five;
  board: InstanceType<typeof Five.Board>;
  leds: InstanceType<typeof Five.Led>[];
}

export class FirmataHapticDriver extends ReopeningLine implements HapticOutput {
  private session: Session | undefined;
  private readonly channelTimers = new Map<number, NodeJS.Timeout>();

  constructor(
    private readonly options: FirmataHapticOptions,
    health: HealthReporter,
    private readonly openSerial: OpenSerial = openSerialPort,
  ) {
    super(`haptic:${options.name}`, health, options);
  }

  get channels(): number {
    return this.options.pins.length;
  }

  get connected(): boolean {
    return this.session !== undefined;
  }

  protected beat(): void {
    const s = this.session;
    if (!s) return;
    if (performance.now() - s.lastAlive > 3 * this.options.heartbeatMs) {
      this.health.countError(this.name, 'heartbeat_lost');
      this.health.report(this.name, { lastError: 'the board stopped answering version queries' });
      void s.link.close(); // the close handler ends the session and schedules the reopen
      return;
    }
    s.io.reportVersion(() => {
      s.lastAlive = performance.now();
    });
  }

  protected async release(): Promise<void> {
    const s = this.session;
    if (s) for (const led of s.leds) led.off();
    this.endSession();
    await s?.link.close();
  }

  pulse(pulse: HapticPulse): Promise<PulseOutcome> {
    const started = performance.now();
    const s = this.session;
    const led = s?.leds[pulse.channel];
    if (!Number.isInteger(pulse.channel) || pulse.channel < 0 || pulse.channel >= this.channels) {
      this.health.countError(this.name, 'bad_command');
      return Promise.resolve({
        ok: false,
        reason: `channel ${pulse.channel} is not on this board (0..${this.channels - 1})`,
      });
    }
    if (!led) {
      this.health.countError(this.name, 'not_connected');
      return Promise.resolve({ ok: false, reason: 'not_connected' });
    }
    clearTimeout(this.channelTimers.get(pulse.channel));
    const steps = patternSteps(pulse.pattern, pulse.durationMs);
    const intensity = Math.min(1, Math.max(0, pulse.intensity));
    const play = (i: number): void => {
      const step = steps[i];
      if (!step || this.session !== s) {
        this.channelTimers.delete(pulse.channel);
        if (this.session === s) led.off();
        return;
      }
      led.brightness(Math.round(step[0] * intensity * 255));
      this.channelTimers.set(
        pulse.channel,
        setTimeout(() => play(i + 1), step[1]),
      );
    };
    play(0);
    return Promise.resolve({ ok: true, latencyMs: performance.now() - started, attempts: 1 });
  }

  stopChannel(channel?: number): Promise<PulseOutcome> {
    const s = this.session;
    if (!s) return Promise.resolve({ ok: false, reason: 'not_connected' });
    const channels = channel === undefined ? s.leds.map((_, i) => i) : [channel];
    for (const c of channels) {
      clearTimeout(this.channelTimers.get(c));
      this.channelTimers.delete(c);
      s.leds[c]?.off();
    }
    return Promise.resolve({ ok: true, latencyMs: 0, attempts: 1 });
  }

  protected async open(): Promise<void> {
    if (!this.running || this.session) return;
    const { five, bindFirmata } = await loadLibraries();
    const link = await this.openLink(this.openSerial, this.options.baudRate);
    if (!link) return;
    const transport = new LinkTransport(link);
    let closed = false;
    let candidate: InstanceType<typeof Five.Board> | undefined;
    link.onClose(() => {
      closed = true;
      transport.emit('close');
      if (this.session?.link === link) {
        this.endSession();
        this.health.countError(this.name, 'unplugged');
        this.retrying(`${this.options.path} closed`);
      }
    });
    try {
      const { Firmata } = bindFirmata;
      // A board announces itself when the port opens (it resets); if that was missed, ask soon.
      const io = new Firmata(transport, { reportVersionTimeout: Math.min(250, this.options.readyTimeoutMs) });
      io.on('error', () => undefined); // surfaced through the ready timeout and health instead
      // johnny-five's own connect timeout is left far beyond ours: ours decides, and its late timer must find nothing to fail.
      const board = new five.Board({
        io,
        repl: false,
        sigint: false,
        debug: false,
        timeout: 10 * this.options.readyTimeoutMs,
      });
      candidate = board;
      // An 'error' event without a listener would throw out of the daemon.
      board.on('error', (e: unknown) => {
        this.health.countError(this.name, 'board_error');
        this.health.report(this.name, {
          lastError: `johnny-five: ${(e as { message?: string } | undefined)?.message ?? String(e)}`,
        });
      });
      // The line is already open; johnny-five waits for Firmata's "connect", which follows the transport's "open".
      transport.emit('open');
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no Firmata handshake within ${this.options.readyTimeoutMs} ms`)),
          this.options.readyTimeoutMs,
        );
        board.once('ready', () => {
          clearTimeout(timer);
          resolve();
        });
        link.onClose(() => {
          clearTimeout(timer);
          reject(new Error('line closed during the handshake'));
        });
      });
      if (closed || !this.running) throw new Error('line closed during the handshake');
      const leds = this.options.pins.map((pin) => new five.Led({ pin, board }));
      this.session = { link, io, five, board, leds, lastAlive: performance.now() };
      this.retry.reset();
      const fw = io.firmware;
      this.health.report(this.name, {
        state: 'connected',
        detail:
          `${this.options.path}: ${fw.name ?? 'Firmata'} ${fw.version ? `${fw.version.major}.${fw.version.minor}` : ''}, pins ${this.options.pins.join(', ')}`.trim(),
      });
    } catch (err) {
      this.health.countError(this.name, 'handshake_failed');
      this.health.report(this.name, { lastError: (err as Error).message });
      if (candidate) forgetBoard(five, candidate);
      await link.close();
      // Whether the board stayed silent or the line went away mid-handshake, try again later.
      this.retrying((err as Error).message);
    }
  }

  /** Forgets the board: johnny-five caches every Board it makes, so a replug must not pile them up. */
  private endSession(): void {
    for (const t of this.channelTimers.values()) clearTimeout(t);
    this.channelTimers.clear();
    const s = this.session;
    this.session = undefined;
    if (s) forgetBoard(s.five, s.board);
  }
}

/** johnny-five keeps every Board in a module-level cache; a replugged board must leave it. */
function forgetBoard(five: typeof Five, board: InstanceType<typeof Five.Board>): void {
  const i = five.Board.cache.indexOf(board);
  if (i >= 0) five.Board.cache.splice(i, 1);
  if (board.timer) clearTimeout(board.timer);
  board.timer = null;
  // Keep an error listener: johnny-five's connect timer may still fire on a board we gave up on.
  board.removeAllListeners();
  board.on('error', () => undefined);
}
