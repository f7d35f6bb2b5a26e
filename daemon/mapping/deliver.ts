/**
 * Putting one scaled value on the wire for a rule's OSC or MIDI target: the concrete address
 * (slot and name filled in), what OSCQuery and the console record, each routed target's
 * prefix and float range, DMX channels per slot, MIDI channel or number per slot.
 */
import type { RuleTarget } from '../../config/mapping.js';
import type { MidiOutDriver } from '../../drivers/midi/midi-out-driver.js';
import type { OutArg } from '../../drivers/osc/encode.js';
import type { Origin } from '../../drivers/osc/osc-target.js';
import type { MappingOutputs } from './engine.js';
import type { Route } from './routes.js';
import type { SentValues } from './sent-values.js';

/** Who a dancer source's value belongs to: the slot outputs address, the device consent is kept by. */
export interface Dancer {
  slot: number;
  deviceKey: string;
}

export interface Delivery {
  value: number;
  fire: boolean;
  dancer: Dancer | undefined;
  name: string | undefined;
  origin: Origin | undefined;
  atMs: number | undefined;
}

export const clamp01 = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : v);

/** OSC address characters a pattern or cue name may not bring in. */
const UNSAFE = /[\s#*,/?[\]{}]/g;
const safePart = (s: string): string => s.replace(UNSAFE, '_');

/** Concrete addresses by template and slot, made once (a name, from a pattern or cue, is not cached). */
const addresses = new Map<string, string[]>();
const MAX_CACHED_SLOT = 1024;

function addressOf(template: string, slot: number, name: string | undefined): string {
  if (name !== undefined || slot > MAX_CACHED_SLOT)
    return template.replaceAll('{slot}', String(slot)).replaceAll('{name}', safePart(name ?? ''));
  let bySlot = addresses.get(template);
  if (!bySlot) addresses.set(template, (bySlot = []));
  return (bySlot[slot] ??= template.replaceAll('{slot}', String(slot)).replaceAll('{name}', ''));
}

/** Sends to every routed target; returns how many were dropped (over budget, past channel 512). */
export function deliverOsc(
  t: Extract<RuleTarget, { kind: 'osc' }>,
  ruleId: string,
  routes: readonly Route[],
  names: string[],
  sent: SentValues,
  d: Delivery,
): number {
  const { value, fire, dancer, origin, atMs } = d;
  const address = addressOf(t.address, dancer?.slot ?? 0, d.name);
  const shown =
    t.type === 'bool' ? fire || value >= 0.5 : t.type === 'i' ? Math.round(value) : t.type === 'dmx' ? null : value;
  const type = t.type === 'i' ? 'i' : t.type === 'bool' ? 'T' : t.type === 'dmx' ? 'b' : 'f';
  sent.record(ruleId, names, address, type, shown, fire, dancer?.deviceKey);
  let dropped = 0;
  for (const { target, prefix, floatRange } of routes) {
    const at = prefix + address;
    if (t.type === 'dmx') {
      const channel = (t.channel ?? 1) + (dancer && t.slotStride ? (dancer.slot - 1) * t.slotStride : 0);
      if (channel > 512) dropped++;
      else target.setDmx(at, channel, clamp01(value) * 255, origin, atMs);
      continue;
    }
    const arg: OutArg =
      t.type === 'i'
        ? { type: 'i', value: Math.round(value) }
        : t.type === 'bool'
          ? { type: fire || value >= 0.5 ? 'T' : 'F' }
          : { type: 'f', value: floatRange[0] + value * (floatRange[1] - floatRange[0]) };
    if (fire) {
      if (!target.trigger(at, [arg], origin, atMs)) dropped++;
    } else target.set(at, arg, origin);
  }
  return dropped;
}

/** A CC or note, on the slot's own channel or number when the target asks; false when not sent. */
export function deliverMidi(
  midi: MidiOutDriver,
  t: Extract<RuleTarget, { kind: 'midi' }>,
  value: number,
  dancer: Dancer | undefined,
  atMs: number | undefined,
): boolean {
  const slot = dancer?.slot ?? 1;
  const channel = t.perSlot === 'channel' ? ((slot - 1) % 16) + 1 : t.channel;
  const number = t.perSlot === 'number' ? t.number + slot - 1 : t.number;
  if (number > 127) return false;
  return t.message === 'cc'
    ? midi.cc(channel, number, clamp01(value) * 127)
    : midi.note(channel, number, clamp01(value) * 127, t.durationMs, atMs);
}

/**
 * Pulses the rule's channels on its controller, at once or on the beat (leaving `leadMs` early
 * so the motor is felt on it); false when the controller is not configured.
 */
export function deliverHaptic(
  out: Pick<MappingOutputs, 'haptics' | 'latency' | 'now' | 'nextBeatAfter' | 'hapticLeadMs' | 'setTimeout'>,
  t: Extract<RuleTarget, { kind: 'haptic' }>,
  value: number,
  origin: Origin | undefined,
  atMs: number | undefined,
): boolean {
  const controller = out.haptics.get(t.controller);
  if (!controller) return false;
  const channels =
    t.channels === 'all'
      ? Array.from({ length: controller.channels }, (_, i) => i)
      : t.channels.filter((c) => c < controller.channels);
  // A pulse put off to the beat keeps its own copy of the origin (the sample path reuses one).
  const from = origin && { at: origin.at, path: origin.path };
  const pulse = (): void => {
    for (const channel of channels)
      void controller.pulse({ channel, pattern: t.pattern, intensity: clamp01(value), durationMs: t.durationMs });
    if (from) out.latency('haptic', 'trigger', from, out.now());
  };
  const landAt = atMs ?? (t.onBeat ? out.nextBeatAfter(out.now() + out.hapticLeadMs) : undefined);
  const delay = landAt === undefined ? 0 : landAt - out.hapticLeadMs - out.now();
  if (delay > 1) out.setTimeout(pulse, delay);
  else pulse();
  return true;
}
