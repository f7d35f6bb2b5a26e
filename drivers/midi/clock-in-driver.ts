/**
 * MIDI clock in from a named port: tempo, beats and transport onto the box's clock events.
 * When the port (or ALSA itself) is missing, health says MIDI is unavailable and why, and the
 * driver keeps trying every `retryMs`: a desk plugged in later is picked up.
 */
import type { Driver } from '../driver.js';
import type { HealthReporter } from '../health/registry.js';
import { openEasymidiInput, type MidiInputPort, type OpenMidiInput } from './binding.js';
import { MidiPortKeeper } from './port-keeper.js';
import { MidiClockTracker, type ClockEvent } from './clock-tracker.js';

export interface MidiClockInOptions {
  port: string;
  retryMs: number;
}

export class MidiClockInDriver implements Driver {
  readonly name = 'midi:clock-in';
  readonly tracker = new MidiClockTracker();
  private readonly keeper: MidiPortKeeper<MidiInputPort>;

  constructor(
    private readonly options: MidiClockInOptions,
    private readonly health: HealthReporter,
    private readonly onClock: (e: ClockEvent) => void,
    openInput: OpenMidiInput = openEasymidiInput,
    private readonly now: () => number = Date.now,
  ) {
    this.keeper = new MidiPortKeeper(
      this.name,
      `MIDI input "${options.port}"`,
      options.retryMs,
      health,
      () => openInput(options.port),
      (input) => input.onMessage((bytes) => this.receive(bytes)),
    );
  }

  start(signal: AbortSignal): Promise<void> {
    signal.addEventListener('abort', () => void this.stop(), { once: true });
    this.keeper.start();
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.keeper.stop();
    return Promise.resolve();
  }

  /** Raw bytes from the binding; anything malformed is ignored by the tracker, never thrown. */
  receive(bytes: ArrayLike<number>): void {
    const at = this.now();
    for (const e of this.tracker.feed(bytes, at)) this.onClock(e);
    this.health.report(this.name, { lastSampleAt: at });
  }
}
