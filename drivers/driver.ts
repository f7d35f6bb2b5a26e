/**
 * The one lifecycle every driver follows (ARCHITECTURE "Shapes to keep"): constructors do
 * no I/O; `start(signal)` acquires resources and registers their teardown; `stop()` is
 * idempotent and bounded. The native library comes in through an injected binding.
 */
import type { DeviceInfo, Sample } from '../config/signals.js';
import type { HealthReporter } from './health/registry.js';

export interface Driver {
  readonly name: string;
  start(signal: AbortSignal): Promise<void>;
  stop(): Promise<void>;
}

/** What an input driver is given to talk to the rest of the box, without knowing the bus. */
export interface InputDriverDeps {
  /** Called for every sample; must not throw (the bus catches handler errors). */
  emit(this: void, sample: Sample): void;
  /** Called once per device when it is first seen. */
  announce(this: void, device: DeviceInfo): void;
  health: HealthReporter;
}
