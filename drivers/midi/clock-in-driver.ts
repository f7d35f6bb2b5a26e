/**
 * MIDI clock in from a named port: tempo, beats and transport onto the box's clock events.
 * When the port (or ALSA itself) is missing, health says MIDI is unavailable and why, and the
 * driver keeps trying every `retryMs`: a desk plugged in later is picked up.
 */
import type { Driver } from '../driver.js';
import type { HealthReporter } from '../health/registry.js';
import { Retry } from '../backoff.js';
import { openEasymidiInput, type MidiInputPort, type OpenMidiInput } from './binding.js';
import { MidiClockTracker, type ClockEvent } from './clock-tracker.js';

export interface MidiClockInOptions {
  port: string;
  retryMs: number;
}

export class MidiClockInDriver implements Driver {
  readonly name = 'midi:clock-in';
  readonly tracker = new MidiClockTracker();
  private running = false;
  private input: MidiInputPort | undefined;
  private readonly retry: Retry;

  constructor(
    private readonly options: MidiClockInOptions,
    private readonly health: HealthReporter,
    private readonly onClock: (e: ClockEvent) => void,
    private readonly openInput: OpenMidiInput = openEasymidiInput,
    private readonly now: () => number = Date.now,
  ) {
    this.retry = new Retry({ initialMs: options.retryMs, maxMs: options.retryMs, factor: 1 });
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
    this.input?.close();
    this.input = undefined;
    this.health.report(this.name, { state: 'stopped' });
    return Promise.resolve();
  }

  private async open(): Promise<void> {
    if (!this.running) return;
    try {
      const input = await this.openInput(this.options.port);
      if (!this.running) {
        input.close();
        return;
      }
      this.input = input;
      input.onMessage((bytes) => this.receive(bytes));
      this.health.report(this.name, { type: 'subsystem', state: 'connected', detail: `MIDI input "${this.options.port}"` });
    } catch (err) {
      this.health.report(this.name, { type: 'subsystem', state: 'unavailable', detail: `MIDI input "${this.options.port}": ${(err as Error).message}; trying again every ${this.options.retryMs} ms` });
      this.retry.schedule(() => void this.open());
    }
  }

  /** Raw bytes from the binding; anything malformed is ignored by the tracker, never thrown. */
  receive(bytes: ArrayLike<number>): void {
    const at = this.now();
    for (const e of this.tracker.feed(bytes, at)) this.onClock(e);
    this.health.report(this.name, { lastSampleAt: at });
  }
}
