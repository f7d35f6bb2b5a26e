/**
 * Runs the mapping rules: bus events in (samples, inferences, crowd states, patterns, beats,
 * cues), each through its rule's scaling, out to OSC targets, MIDI, haptic controllers and
 * sound/visualization records. Everything here is in memory; it never reads the store.
 */
import type { MappingRule, RuleSource } from '../../config/mapping.js';
import type { HapticOutput } from '../../drivers/haptic.js';
import type { MidiOutDriver } from '../../drivers/midi/midi-out-driver.js';
import type { OscTarget, Origin } from '../../drivers/osc/osc-target.js';
import { SCALAR_SIGNALS, valueOf, type Sample, type ScalarSignalSpec } from '../../config/signals.js';
import type { BeatEvent } from '../clock/music-clock.js';
import type { CrowdRow, InferenceRow, OutputEventRow } from '../bus-events.js';
import { freshState, step, type ScaleState } from '../../models/mapping/scale.js';
import { SentValues } from './sent-values.js';
import { crowdMetric } from './source-values.js';
import { peakMovement } from '../../models/features/block-movement.js';
import { slotSet, type SlotSet } from '../../config/slots.js';
import type { FixtureOutputs } from '../room/dmx-rig.js';
import { routeRules, type Route } from './routes.js';
import { clamp01, deliverHaptic, deliverMidi, deliverOsc, type Dancer, type Delivery } from './deliver.js';

export interface MappingOutputs {
  /** Every OSC target, by name. */
  osc: ReadonlyMap<string, OscTarget>;
  midi?: MidiOutDriver;
  /** The fixture patch and its DMX outputs, when any are configured. */
  fixtures?: FixtureOutputs;
  haptics: ReadonlyMap<string, HapticOutput>;
  /** The slot (1..N) the device's dancer holds; undefined = no slot, so nothing personal is sent. */
  slotOf(deviceKey: string): number | undefined;
  /** `mapping.groups`: named slot selections. */
  groups: Readonly<Record<string, string>>;
  record(row: OutputEventRow): void;
  currentEvent(): number | null;
  /** The next beat after `t` on the music clock, for cues that must land on it. */
  nextBeatAfter(t: number): number | undefined;
  hapticLeadMs: number;
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  /** Age of each output when handed to its socket or driver. */
  latency(output: 'osc' | 'midi' | 'haptic', kind: 'trigger' | 'continuous', origin: Origin, sentAt: number): void;
}

/** The dancer signal a sample feeds, if any: movement from 3-axis accelerometer blocks, else the registry's mapping. */
export function dancerSignal(s: Sample): string | undefined {
  if (s.kind === 'raw') return s.stream === 'acc' && s.channels === 3 ? 'movement' : undefined;
  return (SCALAR_SIGNALS[s.kind] as ScalarSignalSpec).mapping;
}

export interface MappingStats {
  fired: number;
  values: number;
  dropped: number;
}

type SourceKind = RuleSource['kind'];

export class MappingEngine {
  private rules: MappingRule[] = [];
  private readonly byKind = new Map<SourceKind, MappingRule[]>();
  private readonly states = new Map<string, Map<string, ScaleState>>();
  private readonly selections = new Map<string, SlotSet>();
  private routes = new Map<string, Route[]>();
  /** Each rule's target names, made once per rule set rather than per message. */
  private routeNames = new Map<string, string[]>();
  readonly stats: MappingStats = { fired: 0, values: 0, dropped: 0 };
  /** What the rules last sent: OSCQuery and the console's OSC monitor read it. */
  readonly sent: SentValues;

  constructor(private readonly out: MappingOutputs) {
    this.sent = new SentValues(() => out.now());
  }

  /** Replaces the running rule set; a rule that kept its id and definition keeps its state. */
  setRules(rules: MappingRule[]): void {
    const before = new Map(this.rules.map((r) => [r.id, JSON.stringify(r)]));
    for (const r of rules) if (before.get(r.id) !== JSON.stringify(r)) this.states.delete(r.id);
    const ids = new Set(rules.map((r) => r.id));
    for (const id of this.states.keys()) if (!ids.has(id)) this.states.delete(id);
    this.rules = rules;
    this.selections.clear();
    for (const r of rules)
      if (r.source.kind === 'dancer' || r.source.kind === 'pattern')
        this.selections.set(r.id, slotSet(r.source.dancers, this.out.groups));
    this.routes = routeRules(rules, this.out.osc);
    this.routeNames = new Map([...this.routes].map(([id, list]) => [id, list.map((r) => r.name)]));
    this.byKind.clear();
    for (const r of rules) {
      if (!r.enabled) continue;
      const list = this.byKind.get(r.source.kind) ?? [];
      list.push(r);
      this.byKind.set(r.source.kind, list);
    }
  }

  get activeRules(): readonly MappingRule[] {
    return this.rules;
  }

  /**
   * Sensor samples: each scalar signal the registry maps (HR, EDA, skin temperature), and
   * movement from accelerometer blocks. `s.arrivedAt` (the driver's stamp) is the origin its
   * outputs' latency is measured from.
   */
  onSample(s: Sample, arrivedAt = s.arrivedAt ?? this.out.now()): void {
    const rules = this.byKind.get('dancer');
    if (!rules) return;
    const signal = dancerSignal(s);
    if (signal === undefined) return;
    const value = s.kind === 'raw' ? peakMovement(s.values) : valueOf(s);
    const slot = this.out.slotOf(s.deviceKey);
    if (slot === undefined) return;
    // The per-sample path allocates nothing: one origin and one dancer, reused (every output
    // copies what it keeps).
    const origin = this.sampleOrigin;
    origin.at = arrivedAt;
    const dancer = this.sampleDancer;
    dancer.slot = slot;
    dancer.deviceKey = s.deviceKey;
    for (const r of rules)
      if (r.source.kind === 'dancer' && r.source.signal === signal && this.selected(r, slot))
        this.apply(r, dancer, value, origin, false);
  }

  private readonly delivery: Delivery = {
    value: 0,
    fire: false,
    dancer: undefined,
    name: undefined,
    origin: undefined,
    atMs: undefined,
  };
  private readonly sampleOrigin: Origin = { at: 0, path: 'sample' };
  private readonly sampleDancer: Dancer = { slot: 0, deviceKey: '' };

  private selected(rule: MappingRule, slot: number): boolean {
    return this.selections.get(rule.id)?.has(slot) ?? true;
  }

  onInference(row: InferenceRow): void {
    const rules = this.byKind.get('dancer');
    if (!rules) return;
    const slot = this.out.slotOf(row.deviceKey);
    if (slot === undefined) return;
    const origin = { at: this.out.now(), path: 'inference' };
    for (const r of rules)
      if (r.source.kind === 'dancer' && r.source.signal === 'arousal' && this.selected(r, slot))
        this.apply(r, { slot, deviceKey: row.deviceKey }, row.value, origin, false);
  }

  onCrowd(c: CrowdRow): void {
    const rules = this.byKind.get('crowd');
    if (!rules) return;
    const origin = { at: this.out.now(), path: 'crowd' };
    for (const r of rules) {
      if (r.source.kind !== 'crowd') continue;
      const v = crowdMetric(c, r.source.metric);
      if (v !== null) this.apply(r, undefined, v, origin, false);
    }
  }

  onPattern(deviceKey: string, name: string, confidence: number): void {
    const rules = this.byKind.get('pattern');
    if (!rules) return;
    const slot = this.out.slotOf(deviceKey);
    if (slot === undefined) return;
    const origin = { at: this.out.now(), path: 'pattern' };
    for (const r of rules) {
      if (r.source.kind !== 'pattern' || (r.source.name !== undefined && r.source.name !== name)) continue;
      if (!this.selected(r, slot)) continue;
      this.apply(r, { slot, deviceKey }, confidence, origin, true, undefined, name);
    }
  }

  /** Beats arrive ahead of time; their outputs are scheduled for `beat.at`. */
  onBeat(beat: BeatEvent): void {
    const rules = this.byKind.get('clock');
    if (!rules) return;
    for (const r of rules) {
      if (r.source.kind !== 'clock') continue;
      const on = r.source.on;
      if (on === 'bar' && !beat.barStart) continue;
      if (on === 'phrase' && !beat.phraseStart) continue;
      const value = on === 'beat' ? beat.count : on === 'bar' ? beat.bar : beat.phrase;
      this.apply(r, undefined, value, undefined, true, beat.at);
    }
  }

  onCue(name: string, at?: number): void {
    const rules = this.byKind.get('cue');
    if (!rules) return;
    const origin = { at: this.out.now(), path: 'cue' };
    for (const r of rules) {
      if (r.source.kind !== 'cue' || (r.source.name !== undefined && r.source.name !== name)) continue;
      this.apply(r, undefined, 1, origin, true, at, name);
    }
  }

  private state(rule: MappingRule, key: string): ScaleState {
    let perRule = this.states.get(rule.id);
    if (!perRule) this.states.set(rule.id, (perRule = new Map<string, ScaleState>()));
    let s = perRule.get(key);
    if (!s) perRule.set(key, (s = freshState()));
    return s;
  }

  /**
   * Drops everything held for one dancer's device: the last values OSCQuery shows, the values
   * targets refresh every second, and smoothing state. Called when their consent is withdrawn.
   */
  forget(deviceKey: string): void {
    for (const address of this.sent.forget(deviceKey))
      for (const routes of this.routes.values())
        for (const route of routes) route.target.forget(route.prefix + address);
    const slot = this.out.slotOf(deviceKey);
    if (slot !== undefined) for (const perRule of this.states.values()) perRule.delete(String(slot));
  }

  private apply(
    rule: MappingRule,
    dancer: Dancer | undefined,
    raw: number,
    origin: Origin | undefined,
    trigger: boolean,
    atMs?: number,
    name?: string,
  ): void {
    const result = step(this.state(rule, dancer ? String(dancer.slot) : ''), raw, this.out.now(), rule.scale, trigger);
    if (result.kind === 'none') return;
    const fire = result.kind === 'fire';
    if (fire) this.stats.fired++;
    else this.stats.values++;
    // One delivery, refilled for each output (nothing kept: deliverOsc reads it before returning).
    const d = this.delivery;
    d.value = result.value;
    d.fire = fire;
    d.dancer = dancer;
    d.name = name;
    d.origin = origin;
    d.atMs = atMs;
    this.send(rule, d);
  }

  private send(rule: MappingRule, d: Delivery): void {
    const { value, fire, dancer, name, origin, atMs } = d;
    const t = rule.target;
    switch (t.kind) {
      case 'osc':
        this.stats.dropped += deliverOsc(
          t,
          rule.id,
          this.routes.get(rule.id) ?? [],
          this.routeNames.get(rule.id) ?? [],
          this.sent,
          d,
        );
        return;
      case 'fixture': {
        const fixtures = this.out.fixtures;
        const ok = fixtures?.set(t.fixture, dancer?.slot ?? 'all', t.attribute, clamp01(value), atMs) ?? false;
        if (!ok) this.stats.dropped++;
        return;
      }
      case 'midi': {
        const midi = this.out.midi;
        if (!midi) return;
        if (!deliverMidi(midi, t, value, dancer, atMs)) this.stats.dropped++;
        else if (origin) this.out.latency('midi', fire ? 'trigger' : 'continuous', origin, this.out.now());
        return;
      }
      case 'haptic':
        if (!deliverHaptic(this.out, t, value, origin, atMs)) this.stats.dropped++;
        return;
      case 'sound':
      case 'visualization':
        this.out.record({
          kind: t.kind,
          eventId: this.out.currentEvent(),
          at: atMs ?? this.out.now(),
          type: t.type,
          intensity: clamp01(value),
          durationMs: null,
          parameters: { rule: rule.id, value, ...(dancer ? { slot: dancer.slot } : {}), ...(name ? { name } : {}) },
        });
        return;
    }
  }
}
