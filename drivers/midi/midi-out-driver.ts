/**
 * MIDI out on a named port: control changes and notes from mapping rules, and MIDI clock
 * (24 ppqn, Start/Stop) following the music clock. Like MIDI in, a missing port or a box
 * without ALSA is reported unavailable and retried; messages meanwhile are dropped and counted.
 */
import type { Driver } from '../driver.js';
import type { HealthReporter } from '../health/registry.js';
import { openEasymidiOutput, type MidiOutputPort, type OpenMidiOutput } from './binding.js';
import { MidiPortKeeper } from './port-keeper.js';
import { TICKS_PER_BEAT } from './clock-tracker.js';

export interface MidiOutOptions {
  port: string;
  retryMs: number;
}

export interface MidiTime {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
}

const clamp7 = (v: number): number => Math.max(0, Math.min(127, Math.round(v)));

export class MidiOutDriver implements Driver {
  readonly name = 'midi:out';
  private readonly keeper: MidiPortKeeper<MidiOutputPort>;
  private clockRunning = false;
  sent = 0;

  constructor(
    private readonly options: MidiOutOptions,
    private readonly health: HealthReporter,
    openOutput: OpenMidiOutput = openEasymidiOutput,
    private readonly time: MidiTime = {
      now: () => performance.timeOrigin + performance.now(),
      setTimeout: (fn, ms) => setTimeout(fn, ms),
    },
  ) {
    this.keeper = new MidiPortKeeper(this.name, `MIDI output "${options.port}"`, options.retryMs, health, () =>
      openOutput(options.port),
    );
  }

  private get output(): MidiOutputPort | undefined {
    return this.keeper.port;
  }

  get available(): boolean {
    return this.output !== undefined;
  }

  start(signal: AbortSignal): Promise<void> {
    signal.addEventListener('abort', () => void this.stop(), { once: true });
    this.keeper.start();
    return Promise.resolve();
  }

  stop(): Promise<void> {
    if (this.clockRunning) this.raw([0xfc]);
    this.clockRunning = false;
    this.keeper.stop();
    return Promise.resolve();
  }

  /** Channel 1..16 as desks print it; value 0..127. */
  cc(channel: number, controller: number, value: number): boolean {
    return this.raw([0xb0 | ((channel - 1) & 0x0f), clamp7(controller), clamp7(value)]);
  }

  /** Note on now (or at `atMs`), note off `durationMs` later. */
  note(channel: number, note: number, velocity: number, durationMs: number, atMs?: number): boolean {
    const ch = (channel - 1) & 0x0f;
    const on = (): void => {
      this.raw([0x90 | ch, clamp7(note), Math.max(1, clamp7(velocity))]);
      this.time.setTimeout(() => this.raw([0x80 | ch, clamp7(note), 0]), durationMs);
    };
    if (!this.output) return this.raw([]);
    const delay = atMs === undefined ? 0 : atMs - this.time.now();
    if (delay > 1) this.time.setTimeout(on, delay);
    else on();
    return true;
  }

  /**
   * MIDI clock for one beat falling at `atMs` with `periodMs` to the next: the beat's 24 ticks,
   * each at its own time (Start first, on the first beat after the clock begins).
   */
  clockBeat(atMs: number, periodMs: number): void {
    if (!this.output) return;
    const now = this.time.now();
    for (let k = 0; k < TICKS_PER_BEAT; k++) {
      const first = k === 0 && !this.clockRunning;
      if (first) this.clockRunning = true;
      const send = (): void => {
        if (first) this.raw([0xfa]);
        this.raw([0xf8]);
      };
      const delay = atMs + (k * periodMs) / TICKS_PER_BEAT - now;
      if (delay > 1) this.time.setTimeout(send, delay);
      else send();
    }
  }

  clockStop(): void {
    if (!this.clockRunning) return;
    this.clockRunning = false;
    this.raw([0xfc]);
  }

  private raw(bytes: number[]): boolean {
    if (!this.output || bytes.length === 0) {
      this.health.countError(this.name, 'unavailable');
      return false;
    }
    try {
      this.output.send(bytes);
      this.sent++;
      return true;
    } catch (err) {
      this.health.report(this.name, { lastError: (err as Error).message });
      this.health.countError(this.name, 'send_failed');
      return false;
    }
  }
}
