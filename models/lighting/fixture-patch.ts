/**
 * The fixture patch as numbers: each light of each fixture keeps what the rules last set on it
 * (dimmer, colour, single channels, 0..1) and when, and renders its channels into a universe's
 * 512-slot frame. A light nobody has driven for `holdMs` fades to the fixture's idle look over
 * `fadeMs`; a light never driven shows the idle look. Pure: time is passed in.
 */
import { FIXTURE_PROFILES, type FixtureAttribute, type FixtureChannel, type FixtureConfig } from '../../config/dmx.js';
import { slotSet } from '../../config/slots.js';

type Level = Record<FixtureChannel, number>;

interface Light {
  slot: number;
  start: number;
  /** What rules set (0..1 per channel); unset channels show the idle look. */
  set: Partial<Level>;
  at: number;
}

interface Fixture {
  config: FixtureConfig;
  channels: readonly FixtureChannel[];
  lights: Map<number, Light>;
  idle: Level;
}

export class FixturePatch {
  private readonly fixtures = new Map<string, Fixture>();
  private readonly byUniverse = new Map<number, Fixture[]>();

  constructor(configs: readonly FixtureConfig[]) {
    for (const config of configs) {
      const channels = FIXTURE_PROFILES[config.profile];
      const stride = config.stride ?? channels.length;
      const slots = slotSet(config.slots).list() ?? [];
      const lights = new Map<number, Light>();
      slots.forEach((slot, n) =>
        lights.set(slot, { slot, start: config.address + n * stride, set: {}, at: Number.NEGATIVE_INFINITY }),
      );
      const [r, g, b] = config.idle.colour;
      const idle: Level = { dimmer: config.idle.dimmer, red: r / 255, green: g / 255, blue: b / 255, white: 0 };
      const fixture = { config, channels, lights, idle };
      this.fixtures.set(config.name, fixture);
      const list = this.byUniverse.get(config.universe) ?? [];
      list.push(fixture);
      this.byUniverse.set(config.universe, list);
    }
  }

  /** The universe a fixture is on, or undefined when it is not patched. */
  universeOf(fixture: string): number | undefined {
    return this.fixtures.get(fixture)?.config.universe;
  }

  /** Every patched universe. */
  universes(): number[] {
    return [...this.byUniverse.keys()];
  }

  /** Slots with a light in the fixture. */
  slots(fixture: string): number[] {
    return [...(this.fixtures.get(fixture)?.lights.keys() ?? [])];
  }

  /**
   * Sets one attribute (value 0..1) on one slot's light, or on every light (`all`). Returns the
   * universe it changed, or undefined when the fixture is unknown or has no light for the slot.
   */
  set(
    fixture: string,
    slot: number | 'all',
    attribute: FixtureAttribute,
    value: number,
    now: number,
  ): number | undefined {
    const f = this.fixtures.get(fixture);
    if (!f) return undefined;
    const v = value < 0 ? 0 : value > 1 ? 1 : value;
    const setOne = (light: Light): void => {
      if (attribute === 'colour') {
        const [r, g, b] = along(f.config.palette, v);
        light.set.red = r / 255;
        light.set.green = g / 255;
        light.set.blue = b / 255;
      } else light.set[attribute] = v;
      light.at = now;
    };
    // One dancer's light on every sample: no list is made for it.
    if (slot !== 'all') {
      const light = f.lights.get(slot);
      if (!light) return undefined;
      setOne(light);
    } else {
      if (f.lights.size === 0) return undefined;
      for (const light of f.lights.values()) setOne(light);
    }
    return f.config.universe;
  }

  /** The universe's frame at `now`: every patched light rendered, every other channel 0. */
  frame(universe: number, now: number, into = new Uint8Array(512)): Uint8Array {
    for (const f of this.byUniverse.get(universe) ?? []) {
      const { holdMs, fadeMs } = f.config;
      for (const light of f.lights.values()) {
        const quiet = now - light.at - holdMs;
        // 0 = as set, 1 = idle; a light never set is idle.
        const k = quiet <= 0 ? 0 : fadeMs === 0 || !Number.isFinite(quiet) ? 1 : Math.min(1, quiet / fadeMs);
        const level = (c: FixtureChannel): number => {
          const idle = f.idle[c];
          const set = light.set[c] ?? idle;
          return set + (idle - set) * k;
        };
        // A profile without a dimmer channel dims its colour instead.
        const dim = f.channels.includes('dimmer') ? 1 : level('dimmer');
        f.channels.forEach((c, i) => {
          const v = c === 'dimmer' ? level(c) : level(c) * dim;
          into[light.start - 1 + i] = Math.round(v * 255);
        });
      }
    }
    return into;
  }
}

/** The colour at `v` (0..1) along a palette, blending neighbouring stops. */
export function along(palette: readonly (readonly [number, number, number])[], v: number): [number, number, number] {
  const x = Math.max(0, Math.min(1, v)) * (palette.length - 1);
  const i = Math.min(palette.length - 2, Math.floor(x));
  const t = x - i;
  const a = palette[i]!;
  const b = palette[i + 1]!;
  return [0, 1, 2].map((c) => Math.round(a[c]! + (b[c]! - a[c]!) * t)) as [number, number, number];
}
