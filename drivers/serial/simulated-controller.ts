/**
 * A simulated haptic controller that speaks the serial protocol from the firmware side: the
 * far end of the in-memory line `npm start` uses, and of the socat tty pair in tests. It keeps
 * a bounded log of what its motors did, and can be told to lose replies to exercise retries.
 */
import { existsSync } from 'node:fs';
import type { HapticPulse } from '../haptic.js';
import { decodePulse, encodeHello, MSG, PROTOCOL_VERSION, REPLY, ALL_CHANNELS } from './protocol.js';
import { encodeFrame, FrameDecoder, type Frame } from './frame.js';
import { memoryLinkPair, openSerialPort, type OpenSerial, type SerialLink } from './link.js';

export interface MotorEvent extends HapticPulse {
  at: number;
  seq: number;
}

export interface SimulatedControllerOptions {
  channels?: number;
  firmware?: string;
  /**
   * Lose the reply to the first delivery of every n-th new request (0 = never), as a noisy
   * line would; the resend is answered, so every retry path is exercised deterministically.
   */
  loseEveryNthReply?: number;
  now?: () => number;
}

const LOG_LIMIT = 10_000;

export class SimulatedHapticController {
  readonly channels: number;
  readonly firmware: string;
  readonly log: MotorEvent[] = [];
  readonly stats = { requests: 0, fresh: 0, duplicates: 0, badFrames: 0, repliesLost: 0 };
  private link: SerialLink | undefined;
  /** The seqs acted on most recently (protocol: a controller remembers at least 32). */
  private recent: number[] = [];
  private readonly decoder: FrameDecoder;

  constructor(private readonly options: SimulatedControllerOptions = {}) {
    this.channels = options.channels ?? 8;
    this.firmware = options.firmware ?? 'codance-sim-haptic 1.0.0';
    this.decoder = new FrameDecoder(
      (f) => this.handle(f),
      () => void this.stats.badFrames++,
    );
  }

  /** Serves one link until it closes. */
  attach(link: SerialLink): void {
    this.link = link;
    this.decoder.reset();
    // A replugged controller has rebooted: it no longer remembers earlier seqs.
    this.recent = [];
    link.onData((chunk) => this.decoder.push(chunk));
    link.onClose(() => {
      if (this.link === link) this.link = undefined;
    });
  }

  get attached(): boolean {
    return this.link !== undefined;
  }

  private handle(f: Frame): void {
    this.stats.requests++;
    const duplicate = this.recent.includes(f.seq);
    if (duplicate) this.stats.duplicates++;
    else {
      this.stats.fresh++;
      this.recent.push(f.seq);
      if (this.recent.length > 32) this.recent.shift();
    }
    const reply = (payload: Uint8Array): void => {
      const n = this.options.loseEveryNthReply ?? 0;
      if (n > 0 && !duplicate && this.stats.fresh % n === 0) {
        this.stats.repliesLost++;
        return;
      }
      this.link?.write(encodeFrame({ seq: f.seq, type: f.type | REPLY, payload }));
    };
    const status = (code: number): void => reply(Uint8Array.of(code));
    switch (f.type) {
      case MSG.hello:
        return reply(encodeHello({ protocol: PROTOCOL_VERSION, channels: this.channels, firmware: this.firmware }));
      case MSG.ping:
        return f.payload.length === 0 ? status(0) : status(2);
      case MSG.pulse: {
        const p = decodePulse(f.payload);
        if (!p.ok) return status(f.payload.length !== 5 ? 2 : 4);
        if (p.value.channel >= this.channels) return status(3);
        if (!duplicate) this.record({ ...p.value, at: (this.options.now ?? Date.now)(), seq: f.seq });
        return status(0);
      }
      case MSG.stop: {
        if (f.payload.length !== 1) return status(2);
        const ch = f.payload[0]!;
        if (ch !== ALL_CHANNELS && ch >= this.channels) return status(3);
        return status(0);
      }
      default:
        return status(1);
    }
  }

  private record(e: MotorEvent): void {
    this.log.push(e);
    if (this.log.length > LOG_LIMIT) this.log.splice(0, this.log.length - LOG_LIMIT);
  }
}

/**
 * An `OpenSerial` binding whose every open plugs a fresh in-memory line into `controller`,
 * as if the controller were on the far end of a USB cable. `unplug()` pulls the cable.
 */
export function simulatedSerial(controller: SimulatedHapticController): {
  open: OpenSerial;
  unplug: () => void;
  plugged: { value: boolean };
} {
  let current: SerialLink | undefined;
  const plugged = { value: true };
  return {
    plugged,
    open: (path) => {
      if (!plugged.value)
        return Promise.reject(
          Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' }),
        );
      const [host, device] = memoryLinkPair();
      controller.attach(device);
      current = host;
      return Promise.resolve(host);
    },
    unplug: () => {
      plugged.value = false;
      void current?.close();
      current = undefined;
    },
  };
}

/**
 * Serves a simulated device (haptic controller or Firmata board) on a real serial device (the
 * far end of a tty pair, or a USB-serial adapter looped to the box), reopening it whenever it
 * disappears. Returns the stop function.
 */
export function serveOnSerial(
  controller: { attach(link: SerialLink): void },
  path: string,
  openSerial: OpenSerial = openSerialPort,
  retryMs = 20,
): () => Promise<void> {
  let running = true;
  let link: SerialLink | undefined;
  let timer: NodeJS.Timeout | undefined;
  // A port whose device vanished does not always report it: when the device node itself is
  // gone, the link is dead whatever the port says.
  const watch = setInterval(() => {
    if (link && !existsSync(path)) void link.close();
  }, 10);
  const attempt = async (): Promise<void> => {
    timer = undefined;
    if (!running) return;
    try {
      const opened = await openSerial(path, 115_200);
      if (!running) {
        await opened.close();
        return;
      }
      link = opened;
      opened.onClose(() => {
        link = undefined;
        if (running) timer = setTimeout(() => void attempt(), retryMs);
      });
      controller.attach(opened);
    } catch {
      if (running) timer = setTimeout(() => void attempt(), retryMs);
    }
  };
  void attempt();
  return async () => {
    running = false;
    clearTimeout(timer);
    clearInterval(watch);
    await link?.close();
  };
}
