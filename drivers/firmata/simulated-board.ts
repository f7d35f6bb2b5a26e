/**
 * A simulated Arduino running StandardFirmata, on the far end of a serial line: answers the
 * version, firmware, capability and analog-mapping queries firmata.js makes on connect, and
 * logs every pin mode and PWM write, so the Firmata haptic driver is tested over a real tty
 * against real Firmata bytes. Pins are an Uno's: PWM on 3, 5, 6, 9, 10, 11; analog A0-A5 = 14-19.
 */
import type { SerialLink } from '../serial/link.js';
import { FIRMATA, PIN_MODES } from './firmata-messages.js';

const PWM_PINS = new Set([3, 5, 6, 9, 10, 11]);
const PIN_COUNT = 20;

export interface PinWrite {
  pin: number;
  value: number;
  at: number;
}

export class SimulatedFirmataBoard {
  readonly writes: PinWrite[] = [];
  readonly modes = new Map<number, number>();
  private link: SerialLink | undefined;
  private pending: number[] = [];
  /** How many times a line was attached (each replug is one). */
  attachments = 0;
  /** Bytes received from the host, for diagnostics. */
  received = 0;

  constructor(
    private readonly firmware = 'StandardFirmata.ino',
    private readonly now: () => number = Date.now,
  ) {}

  attach(link: SerialLink): void {
    this.link = link;
    this.pending = [];
    this.attachments++;
    link.onData((chunk) => {
      this.received += chunk.length;
      for (const b of chunk) this.byte(b);
    });
    link.onClose(() => {
      if (this.link === link) this.link = undefined;
    });
    // StandardFirmata announces its version and firmware when it boots (opening the USB serial
    // port resets an Uno); firmata.js waits for both before it queries capabilities.
    this.version();
    this.firmwareReport();
  }

  /** The last PWM value written to `pin`. */
  level(pin: number): number | undefined {
    return this.writes.findLast((w) => w.pin === pin)?.value;
  }

  private send(bytes: number[]): void {
    this.link?.write(Uint8Array.from(bytes));
  }

  private version(): void {
    this.send([FIRMATA.reportVersion, 2, 5]);
  }

  private firmwareReport(): void {
    const name = [...Buffer.from(this.firmware, 'ascii')].flatMap((c) => [c & 0x7f, c >> 7]);
    this.send([FIRMATA.startSysex, FIRMATA.queryFirmware, 2, 5, ...name, FIRMATA.endSysex]);
  }

  private byte(b: number): void {
    const p = this.pending;
    if (b & 0x80 && b !== FIRMATA.endSysex) {
      if (p[0] === FIRMATA.startSysex) p.length = 0; // a command byte inside sysex: the sysex was cut off
      if (b === FIRMATA.reportVersion) return this.version();
      if (b === FIRMATA.systemReset) return;
      this.pending = [b];
      return;
    }
    p.push(b);
    const cmd = p[0];
    if (cmd === undefined) return;
    if (cmd === FIRMATA.startSysex) {
      if (b === FIRMATA.endSysex) {
        this.sysex(p.slice(1, -1));
        this.pending = [];
      }
      return;
    }
    if (p.length < 3) return;
    const hi = cmd & 0xf0;
    if (cmd === FIRMATA.setPinMode) this.modes.set(p[1]!, p[2]!);
    else if (hi === FIRMATA.analogMessage)
      this.writes.push({ pin: cmd & 0x0f, value: p[1]! | (p[2]! << 7), at: this.now() });
    this.pending = [];
  }

  private sysex(body: number[]): void {
    const [cmd, ...data] = body;
    if (cmd === FIRMATA.queryFirmware) {
      this.firmwareReport();
    } else if (cmd === FIRMATA.capabilityQuery) {
      const out: number[] = [FIRMATA.startSysex, FIRMATA.capabilityResponse];
      for (let pin = 0; pin < PIN_COUNT; pin++) {
        out.push(PIN_MODES.input, 1, PIN_MODES.output, 1);
        if (PWM_PINS.has(pin)) out.push(PIN_MODES.pwm, 8);
        if (pin >= 14) out.push(PIN_MODES.analog, 10);
        out.push(0x7f);
      }
      this.send([...out, FIRMATA.endSysex]);
    } else if (cmd === FIRMATA.analogMappingQuery) {
      const out = Array.from({ length: PIN_COUNT }, (_, pin) => (pin >= 14 ? pin - 14 : 0x7f));
      this.send([FIRMATA.startSysex, FIRMATA.analogMappingResponse, ...out, FIRMATA.endSysex]);
    } else if (cmd === FIRMATA.extendedAnalog && data.length >= 2) {
      let value = 0;
      for (let i = 1; i < data.length; i++) value |= data[i]! << (7 * (i - 1));
      this.writes.push({ pin: data[0]!, value, at: this.now() });
    }
  }
}
