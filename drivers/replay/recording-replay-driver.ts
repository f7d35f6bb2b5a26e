/**
 * Plays a Codance recording back through the BLE driver itself: the recording becomes a
 * noble-like adapter (`ReplayBle`), so every notification goes through the same parsers,
 * sessions, dedupe and reconnect logic as live wearables. Every device in the recording is
 * allowlisted; the store records them with transport `replay`.
 */
import { readFile } from 'node:fs/promises';
import type { Driver, InputDriverDeps } from '../driver.js';
import { BleWearableDriver, type BleOptions } from '../ble/ble-driver.js';
import { parseRecording, type RecordingTap } from './recording.js';
import { ReplayBle } from './replay-ble.js';

export interface RecordingReplayOptions {
  path: string;
  speed: number;
  ble: Omit<BleOptions, 'allowlist' | 'transport'>;
  /** Links at once, as on a radio. */
  maxConnected: number;
}

export class RecordingReplayDriver implements Driver {
  readonly name: string;
  private inner: BleWearableDriver | undefined;
  private adapter: ReplayBle | undefined;

  constructor(
    private readonly options: RecordingReplayOptions,
    private readonly deps: InputDriverDeps,
    /** A replay can itself be recorded (e.g. a demo session re-recorded with live devices). */
    private readonly tap?: RecordingTap,
  ) {
    this.name = `replay:${options.path}`;
  }

  async start(signal: AbortSignal): Promise<void> {
    if (this.inner) return;
    const id = this.name;
    let text: string;
    try {
      text = await readFile(this.options.path, 'utf8');
    } catch (err) {
      this.deps.health.report(id, {
        type: 'subsystem',
        state: 'error',
        detail: `cannot read ${this.options.path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      });
      throw new Error(`replay source ${this.options.path} cannot be read: ${(err as Error).message}`);
    }
    const parsed = parseRecording(text);
    if (!parsed.ok) {
      this.deps.health.report(id, {
        type: 'subsystem',
        state: 'error',
        detail: `${this.options.path}: ${parsed.reason}`,
      });
      throw new Error(`replay source ${this.options.path} is not a valid recording: ${parsed.reason}`);
    }
    const adapter = new ReplayBle(parsed.value, this.options.speed);
    this.adapter = adapter;
    const allowlist = [...adapter.peripherals.keys()].map((address) => ({ address }));
    // Keys in a recording are already normalised BLE addresses or ids; anything else is matched by id.
    // The recording is this replay's one radio; its health component is the replay's own.
    const radio = {
      name: 'replay',
      id,
      label: `replaying ${adapter.peripherals.size} device(s) from ${this.options.path} at ${this.options.speed}x`,
      maxConnected: this.options.maxConnected,
      load: () => Promise.resolve(adapter),
    };
    this.inner = new BleWearableDriver(
      { ...this.options.ble, allowlist, transport: 'replay' },
      this.deps,
      [radio],
      this.tap,
    );
    await this.inner.start(signal);
  }

  async stop(): Promise<void> {
    await this.inner?.stop();
    this.adapter?.close();
    this.inner = undefined;
  }
}
