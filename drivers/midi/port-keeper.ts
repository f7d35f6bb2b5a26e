/**
 * Keeps one named MIDI port open: opens it, and while it (or ALSA) is missing reports the
 * component `unavailable` with RtMidi's reason and tries again every `retryMs`. Shared by
 * MIDI clock in and MIDI out, which differ only in what they do with the open port.
 */
import { Retry } from '../backoff.js';
import type { HealthReporter } from '../health/registry.js';

export class MidiPortKeeper<P extends { close(): void }> {
  private running = false;
  private readonly retry: Retry;
  port: P | undefined;

  constructor(
    private readonly id: string,
    private readonly label: string,
    private readonly retryMs: number,
    private readonly health: HealthReporter,
    private readonly openPort: () => Promise<P>,
    private readonly onOpen: (port: P) => void = () => undefined,
  ) {
    this.retry = new Retry({ initialMs: retryMs, maxMs: retryMs, factor: 1 });
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.open();
  }

  stop(): void {
    this.running = false;
    this.retry.cancel();
    this.port?.close();
    this.port = undefined;
    this.health.report(this.id, { state: 'stopped' });
  }

  private async open(): Promise<void> {
    if (!this.running) return;
    try {
      const port = await this.openPort();
      if (!this.running) {
        port.close();
        return;
      }
      this.port = port;
      this.onOpen(port);
      this.health.report(this.id, { type: 'subsystem', state: 'connected', detail: this.label });
    } catch (err) {
      this.health.report(this.id, {
        type: 'subsystem',
        state: 'unavailable',
        detail: `${this.label}: ${(err as Error).message}; trying again every ${this.retryMs} ms`,
      });
      this.retry.schedule(() => void this.open());
    }
  }
}
