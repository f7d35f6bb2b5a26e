/**
 * Runs the mapping rules: bus events in (samples, inferences, crowd states, patterns, beats,
 * cues), each through its rule's scaling, out to OSC targets, MIDI, haptic controllers and
 * sound/visualization records. Everything here is in memory; it never reads the store.
 */
import type { MappingRule, RuleSource } from '../../config/mapping.js';
import type { HapticOutput } from '../../drivers/haptic.js';
import type { MidiOutDriver } from '../../drivers/midi/midi-out-driver.js';
import type { OutArg } from '../../drivers/osc/encode.js';
import type { OscTarget, Origin } from '../../drivers/osc/osc-target.js';
import { SCALAR_SIGNALS, valueOf, type Sample, type ScalarSignalSpec } from '../../config/signals.js';
import type { BeatEvent } from '../clock/music-clock.js';
import type { CrowdRow, InferenceRow, OutputEventRow } from '../bus-events.js';
import { freshState, step, type ScaleState } from '../../models/mapping/scale.js';
import { SentValues } from './sent-values.js';
import { crowdMetric } from './source-values.js';
import { peakMovement } from '../../models/features/block-movement.js';

export interface MappingOutputs {
  /** Every OSC target, by name. */
  osc: ReadonlyMap<string, OscTarget>;
  midi?: MidiOutDriver;
  haptics: ReadonlyMap<string, HapticOutput>;
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

export interface MappingStats {
  fired: number;
  values: number;
  dropped: number;
}

/** OSC address characters a dancer key or pattern name may not bring in. */
const UNSAFE = /[\s#*,/?[\]{}]/g;
const safePart = (s: string): string => s.replace(UNSAFE, '_');

type SourceKind = RuleSource['kind'];

export class MappingEngine {
  private rules: MappingRule[] = [];
  private readonly byKind = new Map<SourceKind, MappingRule[]>();
  private readonly states = new Map<string, Map<string, ScaleState>>();
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

  /** Sensor samples: each scalar signal the registry maps (HR, EDA, skin temperature), and movement from accelerometer blocks. */
  onSample(s: Sample, arrivedAt = this.out.now()): void {
    const rules = this.byKind.get('dancer');
    if (!rules) return;
    let signal: string | undefined;
    let value: number;
    if (s.kind === 'raw') {
      if (s.stream !== 'acc' || s.channels !== 3) return;
      signal = 'movement';
      value = peakMovement(s.values);
    } else {
      signal = (SCALAR_SIGNALS[s.kind] as ScalarSignalSpec).mapping;
      if (signal === undefined) return;
      value = valueOf(s);
    }
    const origin = { at: arrivedAt, path: 'sample' };
    for (const r of rules)
      if (r.source.kind === 'dancer' && r.source.signal === signal) this.apply(r, s.deviceKey, value, origin, false);
  }

  onInference(row: InferenceRow): void {
    const rules = this.byKind.get('dancer');
    if (!rules) return;
    const origin = { at: this.out.now(), path: 'inference' };
    for (const r of rules)
      if (r.source.kind === 'dancer' && r.source.signal === 'arousal')
        this.apply(r, row.deviceKey, row.value, origin, false);
  }

  onCrowd(c: CrowdRow): void {
    const rules = this.byKind.get('crowd');
    if (!rules) return;
    const origin = { at: this.out.now(), path: 'crowd' };
    for (const r of rules) {
      if (r.source.kind !== 'crowd') continue;
      const v = crowdMetric(c, r.source.metric);
      if (v !== null) this.apply(r, '', v, origin, false);
    }
  }

  onPattern(deviceKey: string, name: string, confidence: number): void {
    const rules = this.byKind.get('pattern');
    if (!rules) return;
    const origin = { at: this.out.now(), path: 'pattern' };
    for (const r of rules) {
      if (r.source.kind !== 'pattern' || (r.source.name !== undefined && r.source.name !== name)) continue;
      this.apply(r, deviceKey, confidence, origin, true, undefined, name);
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
      this.apply(r, '', value, undefined, true, beat.at);
    }
  }

  onCue(name: string, at?: number): void {
    const rules = this.byKind.get('cue');
    if (!rules) return;
    const origin = { at: this.out.now(), path: 'cue' };
    for (const r of rules) {
      if (r.source.kind !== 'cue' || (r.source.name !== undefined && r.source.name !== name)) continue;
      this.apply(r, '', 1, origin, true, at, name);
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
      for (const target of this.out.osc.values()) target.forget(address);
    for (const perRule of this.states.values()) perRule.delete(deviceKey);
  }

  private apply(
    rule: MappingRule,
    key: string,
    raw: number,
    origin: Origin | undefined,
    trigger: boolean,
    atMs?: number,
    name?: string,
  ): void {
    const result = step(this.state(rule, key), raw, this.out.now(), rule.scale, trigger);
    if (result.kind === 'none') return;
    const fire = result.kind === 'fire';
    if (fire) this.stats.fired++;
    else this.stats.values++;
    this.send(rule, result.value, fire, key, name, origin, atMs);
  }

  private send(
    rule: MappingRule,
    value: number,
    fire: boolean,
    key: string,
    name: string | undefined,
    origin: Origin | undefined,
    atMs: number | undefined,
  ): void {
    const t = rule.target;
    switch (t.kind) {
      case 'osc': {
        const address = t.address.replaceAll('{id}', safePart(key)).replaceAll('{name}', safePart(name ?? ''));
        const shown =
          t.type === 'bool'
            ? fire || value >= 0.5
            : t.type === 'i'
              ? Math.round(value)
              : t.type === 'dmx'
                ? null
                : value;
        const personal = rule.source.kind === 'dancer' || rule.source.kind === 'pattern';
        const type = t.type === 'i' ? 'i' : t.type === 'bool' ? 'T' : t.type === 'dmx' ? 'b' : 'f';
        this.sent.record(rule.id, t.target, address, type, shown, fire, personal ? key : undefined);
        const named = t.target === undefined ? undefined : this.out.osc.get(t.target);
        const targets = t.target === undefined ? [...this.out.osc] : named ? [[t.target, named] as const] : [];
        for (const [, target] of targets) {
          if (t.type === 'dmx') {
            target.setDmx(address, t.channel ?? 1, clamp01(value) * 255, origin);
            continue;
          }
          const arg: OutArg =
            t.type === 'i'
              ? { type: 'i', value: Math.round(value) }
              : t.type === 'bool'
                ? { type: fire || value >= 0.5 ? 'T' : 'F' }
                : { type: 'f', value };
          if (fire) {
            if (!target.trigger(address, [arg], origin, atMs)) this.stats.dropped++;
          } else target.set(address, arg, origin);
        }
        return;
      }
      case 'midi': {
        const midi = this.out.midi;
        if (!midi) return;
        const ok =
          t.message === 'cc'
            ? midi.cc(t.channel, t.number, clamp01(value) * 127)
            : midi.note(t.channel, t.number, clamp01(value) * 127, t.durationMs, atMs);
        if (!ok) this.stats.dropped++;
        else if (origin) this.out.latency('midi', fire ? 'trigger' : 'continuous', origin, this.out.now());
        return;
      }
      case 'haptic': {
        const controller = this.out.haptics.get(t.controller);
        if (!controller) {
          this.stats.dropped++;
          return;
        }
        const channels =
          t.channels === 'all'
            ? Array.from({ length: controller.channels }, (_, i) => i)
            : t.channels.filter((c) => c < controller.channels);
        const pulse = (): void => {
          for (const channel of channels)
            void controller.pulse({
              channel,
              pattern: t.pattern,
              intensity: clamp01(value > 1 ? 1 : value),
              durationMs: t.durationMs,
            });
          if (origin) this.out.latency('haptic', 'trigger', origin, this.out.now());
        };
        // On the beat: the cue leaves `leadMs` early so the motor is felt on it.
        const landAt = atMs ?? (t.onBeat ? this.out.nextBeatAfter(this.out.now() + this.out.hapticLeadMs) : undefined);
        const delay = landAt === undefined ? 0 : landAt - this.out.hapticLeadMs - this.out.now();
        if (delay > 1) this.out.setTimeout(pulse, delay);
        else pulse();
        return;
      }
      case 'sound':
      case 'visualization':
        this.out.record({
          kind: t.kind,
          eventId: this.out.currentEvent(),
          at: atMs ?? this.out.now(),
          type: t.type,
          intensity: clamp01(value),
          durationMs: null,
          parameters: { rule: rule.id, value, ...(key ? { device: key } : {}), ...(name ? { name } : {}) },
        });
        return;
    }
  }
}

const clamp01 = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : v);
