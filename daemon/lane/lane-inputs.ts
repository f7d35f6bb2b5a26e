/**
 * The input drivers that run on the lane's own thread (the simulated venue), so their samples
 * reach the mapping engine without waiting behind the main thread's work or its garbage
 * collections. A sample goes to the engine at once when its dancer's consent allows (as the
 * main thread last said: nothing until it has), and to the main thread (store, pipeline,
 * console) in one message per driver callback.
 */
import type { Config } from '../../config/index.js';
import { consentOf, type DeviceInfo, type Sample } from '../../config/signals.js';
import type { Driver } from '../../drivers/driver.js';
import type { HealthReporter } from '../../drivers/health/registry.js';
import { SimulatedVenueDriver } from '../../drivers/sim/venue-driver.js';

export interface LaneInputsDeps {
  simulation: Config['simulation'];
  health: HealthReporter;
  /** To the engine. */
  onSample(s: Sample): void;
  /** To the main thread. */
  samples(samples: Sample[]): void;
  device(device: DeviceInfo): void;
}

export class LaneInputs {
  private readonly drivers: Driver[] = [];
  private readonly consent = new Map<string, { movement: boolean; biometrics: boolean }>();
  private pending: Sample[] = [];

  constructor(private readonly deps: LaneInputsDeps) {
    const emit = (s: Sample): void => this.emit(s);
    if (deps.simulation.dancers > 0)
      this.drivers.push(
        new SimulatedVenueDriver(deps.simulation, { emit, announce: (d) => deps.device(d), health: deps.health }),
      );
  }

  private emit(s: Sample): void {
    if (this.allows(s)) this.deps.onSample(s);
    if (this.pending.length === 0) queueMicrotask(this.flush);
    this.pending.push(s);
  }

  private readonly flush = (): void => {
    const samples = this.pending;
    this.pending = [];
    this.deps.samples(samples);
  };

  private allows(s: Sample): boolean {
    const c = consentOf(s);
    return c === 'none' || this.consent.get(s.deviceKey)?.[c] === true;
  }

  /** What the dancer wearing the device allows, as the main thread's consent gate says. */
  setConsent(deviceKey: string, movement: boolean, biometrics: boolean): void {
    this.consent.set(deviceKey, { movement, biometrics });
  }

  /** A withdrawn consent: nothing more of the device until the main thread says again. */
  forget(deviceKey: string): void {
    this.consent.delete(deviceKey);
  }

  async start(signal: AbortSignal): Promise<void> {
    for (const d of this.drivers) await d.start(signal);
  }

  async stop(): Promise<void> {
    for (const d of this.drivers) await d.stop();
  }
}
