/**
 * One radio inside the BLE driver: loads its adapter, follows it up and down, scans while it
 * is up, and reports it as its own health component (`ble:<name>`), so a technician sees
 * which radio is gone while the others carry on. The driver decides which wearable goes on
 * which radio; a slot only knows whether it is up and whether a connect is in flight on it.
 */
import type { HealthReporter } from '../health/registry.js';
import type { BleAdapter, BlePeripheral, LoadBle } from './binding.js';

export interface BleRadio {
  /** The radio's name in the config (`ble.adapters[].name`). */
  name: string;
  /** Its health component id, e.g. `ble:radio1`. */
  id: string;
  /** How a technician knows it: `hci0`, `/dev/ttyACM0`, a recording's path. */
  label: string;
  /** Links on this radio at once. */
  maxConnected: number;
  load: LoadBle;
}

/** "radio1 (/dev/ttyACM0)", or just "hci0" when the name says it all. */
export function radioName(radio: Pick<BleRadio, 'name' | 'label'>): string {
  return radio.label === radio.name ? radio.name : `${radio.name} (${radio.label})`;
}

export interface RadioSlotHooks {
  health: HealthReporter;
  poweredOnTimeoutMs: number;
  /** The radio came up and is scanning. */
  onUp(slot: RadioSlot): void;
  /** The radio went away: every link on it is lost. */
  onDown(slot: RadioSlot): void;
  onDiscover(slot: RadioSlot, p: BlePeripheral): void;
}

export class RadioSlot {
  adapter: BleAdapter | undefined;
  up = false;
  /** A radio connects one wearable at a time (one LE Create Connection in flight). */
  connecting = false;
  /** Wearables linked (connecting or connected) through this radio; kept by the driver. */
  links = 0;
  private wasUp = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly onState = (state: string): void => this.stateChanged(state);
  private readonly onDiscover = (p: BlePeripheral): void => this.hooks.onDiscover(this, p);

  constructor(
    readonly radio: BleRadio,
    private readonly hooks: RadioSlotHooks,
  ) {}

  get name(): string {
    return this.radio.name;
  }

  async start(): Promise<void> {
    const { health } = this.hooks;
    health.report(this.radio.id, { type: 'subsystem', state: 'starting', detail: `starting ${this.radio.label}` });
    try {
      this.adapter = await this.radio.load();
    } catch (err) {
      health.report(this.radio.id, { state: 'unavailable', detail: (err as Error).message });
      return;
    }
    if (this.stopped) return void (await this.adapter.close?.());
    this.adapter.on('stateChange', this.onState);
    this.adapter.on('discover', this.onDiscover);
    if (this.adapter.state === 'poweredOn') return this.stateChanged('poweredOn');
    this.timer = setTimeout(() => {
      const a = this.adapter;
      if (this.up || !a) return;
      health.report(this.radio.id, {
        state: 'unavailable',
        detail:
          a.detail ??
          `${this.radio.label} did not power on within ${this.hooks.poweredOnTimeoutMs} ms (state ${a.state})`,
      });
    }, this.hooks.poweredOnTimeoutMs + 1000);
  }

  /** What the radio carries now, in its health detail. */
  report(): void {
    if (this.up)
      this.hooks.health.report(this.radio.id, {
        detail: `${this.radio.label}: scanning; ${this.links} of ${this.radio.maxConnected} links`,
      });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    const adapter = this.adapter;
    this.up = false;
    if (adapter) {
      adapter.removeListener('stateChange', this.onState);
      adapter.removeListener('discover', this.onDiscover);
      // Bounded: a radio that stopped answering must not hold the daemon's stop.
      if (adapter.state === 'poweredOn')
        await Promise.race([
          adapter.stopScanningAsync().catch(() => undefined),
          new Promise((r) => setTimeout(r, 300)),
        ]);
      await adapter.close?.();
    }
    this.hooks.health.report(this.radio.id, { state: 'stopped', detail: `${this.radio.label} stopped` });
  }

  private stateChanged(state: string): void {
    const adapter = this.adapter;
    if (this.stopped || !adapter) return;
    const { health } = this.hooks;
    if (state === 'poweredOn') {
      if (this.up) return;
      this.up = true;
      this.wasUp = true;
      clearTimeout(this.timer);
      // Duplicates on: every advert refreshes RSSI for `codance scan` and tells us a lost device is back.
      adapter.startScanningAsync([], true).then(
        () => {
          health.report(this.radio.id, { state: 'connected' });
          this.hooks.onUp(this);
        },
        (err: unknown) =>
          health.report(this.radio.id, {
            state: 'error',
            detail: `${this.radio.label} cannot scan: ${(err as Error).message}`,
          }),
      );
      return;
    }
    const wasUp = this.up;
    this.up = false;
    this.connecting = false;
    if (wasUp) this.hooks.onDown(this);
    // Only a radio that says why has failed; a bare 'poweredOff' on the way up is noble's first step.
    if (adapter.detail === undefined && !wasUp) return;
    const why = adapter.detail ?? `${this.radio.label} went ${state}`;
    const retry =
      adapter.retryInMs === undefined
        ? ''
        : `; trying again in ${adapter.retryInMs < 1000 ? `${adapter.retryInMs} ms` : `${Math.round(adapter.retryInMs / 1000)} s`}`;
    health.report(this.radio.id, {
      state: this.wasUp && !adapter.permanent ? 'retrying' : 'unavailable',
      detail: `${this.wasUp ? `${radioName(this.radio)} is gone: ` : ''}${why}${retry}`,
    });
  }
}
