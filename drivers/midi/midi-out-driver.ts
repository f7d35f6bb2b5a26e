/**
 * MIDI out on a named port: control changes and notes from mapping rules, and MIDI clock
 * (24 ppqn, Start/Stop) following the music clock. Like MIDI in, a missing port or a box
 * without ALSA is reported unavailable and retried; messages meanwhile are dropped and counted.
 */
import type { Driver } from '../driver.js';
import type { HealthReporter } from '../health/registry.js';
import { Retry } from '../backoff.js';
import { openEasymidiOutput, type MidiOutputPort, type OpenMidiOutput } from './binding.js';
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
  private running = false;
  private output: MidiOutputPort | undefined;
  private readonly retry: Retry;
  private clockRunning = false;
  sent = 0;

  constructor(
    private readonly options: MidiOutOptions,
    private readonly health: HealthReporter,
    private readonly openOutput: OpenMidiOutput = openEasymidiOutput,
    private readonly time: MidiTime = { now: () => performance.timeOrigin + performance.now(), setTimeout: (fn, ms) => setTimeout(fn, ms) },
  ) {
    this.retry = new Retry({ initialMs: options.retryMs, maxMs: options.retryMs, factor: 1 });
  }

  get available(): boolean {
    return this.output !== undefined;
  }

  start(signal: AbortSignal): Promise<void> {
    if (this.running) return Promise.resolve();
    this.running = true;
    signal.addEventListener('abort', () => void this.stop(), { once: true });
    void this.open();
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.running = false;
    this.retry.cancel();
    if (this.clockRunning) this.raw([0xfc]);
    this.clockRunning = false;
    this.output?.close();
    this.output = undefined;
    this.health.report(this.name, { state: 'stopped' });
    return Promise.resolve();
  }

  private async open(): Promise<void> {
    if (!this.running) return;
    try {
      const output = await this.openOutput(this.options.port);
      if (!this.running) {
        output.close();
        return;
      }
      this.output = output;
      this.health.report(this.name, { type: 'subsystem', state: 'connected', detail: `MIDI output "${this.options.port}"` });
    } catch (err) {
      this.health.report(this.name, { type: 'subsystem', state: 'unavailable', detail: `MIDI output "${this.options.port}": ${(err as Error).message}; trying again every ${this.options.retryMs} ms` });
      this.retry.schedule(() => void this.open());
    }
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
