/**
 * The lighting rig: the fixture patch and the DMX outputs that carry its universes. Rules set
 * light attributes through `set`; a change timed to a beat is applied at the beat and its
 * universe sent at once, so the light changes on the beat, not a refresh period later.
 */
import type { DmxConfig, FixtureAttribute } from '../../config/dmx.js';
import { DmxOutput } from '../../drivers/dmx/dmx-output.js';
import type { HealthReporter } from '../../drivers/health/registry.js';
import { runAt, type PreciseTime } from '../../drivers/precise-timer.js';
import { FixturePatch } from '../../models/lighting/fixture-patch.js';

export interface FixtureOutputs {
  /** False when the fixture is not patched or has no light for the slot. */
  set(fixture: string, slot: number | 'all', attribute: FixtureAttribute, value: number, atMs?: number): boolean;
  /** Slots with a light in the fixture (OSCQuery and the console list them). */
  slots(fixture: string): number[];
}

export class DmxRig implements FixtureOutputs {
  readonly patch: FixturePatch;
  readonly outputs: DmxOutput[];
  private readonly frames = new Map<number, Uint8Array<ArrayBuffer>>();
  private readonly pending = new Set<() => void>();

  constructor(
    config: DmxConfig,
    health: HealthReporter,
    private readonly time: PreciseTime,
    /** How late each beat-timed change left (ms after its beat). */
    private readonly onLate?: (ms: number) => void,
  ) {
    this.patch = new FixturePatch(config.fixtures);
    this.outputs = config.outputs.map(
      (o) => new DmxOutput(o, (u, now) => this.patch.frame(u, now, this.frame(u)), health, time, undefined),
    );
  }

  set(fixture: string, slot: number | 'all', attribute: FixtureAttribute, value: number, atMs?: number): boolean {
    const universe = this.patch.universeOf(fixture);
    if (universe === undefined) return false;
    if (atMs === undefined || atMs - this.time.now() <= 1)
      return this.patch.set(fixture, slot, attribute, value, this.time.now()) !== undefined;
    const cancel = runAt(this.time, atMs, () => {
      this.pending.delete(cancel);
      if (this.patch.set(fixture, slot, attribute, value, this.time.now()) === undefined) return;
      for (const o of this.outputs) o.sendNow(universe);
      this.onLate?.(this.time.now() - atMs);
    });
    this.pending.add(cancel);
    return slot === 'all' || this.patch.slots(fixture).includes(slot);
  }

  slots(fixture: string): number[] {
    return this.patch.slots(fixture);
  }

  /** Drops beat-timed changes not yet due (at stop). */
  cancelPending(): void {
    for (const cancel of this.pending) cancel();
    this.pending.clear();
  }

  private frame(universe: number): Uint8Array<ArrayBuffer> {
    let f = this.frames.get(universe);
    if (!f) this.frames.set(universe, (f = new Uint8Array(512)));
    return f;
  }
}
