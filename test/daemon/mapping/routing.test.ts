/**
 * Routing and per-dancer outputs: which target gets each rule (named targets, `rules`
 * patterns), per-target prefix and float range, slot selection, the fixture target with
 * beat-timed changes, per-slot DMX channels and per-slot MIDI.
 */
import { describe, expect, it } from 'vitest';
import { mappingRulesSchema, type MappingRuleInput } from '../../../config/mapping.js';
import { MappingEngine } from '../../../daemon/mapping/engine.js';
import { routeRules, rulePattern } from '../../../daemon/mapping/routes.js';
import type { OscTargetOptions } from '../../../drivers/osc/osc-target.js';
import type { FixtureAttribute } from '../../../config/dmx.js';
import { ManualTime } from '../../helpers/manual-time.js';
import { capturingTarget as target } from '../../helpers/osc-capture.js';
import { capturingMidi } from '../../helpers/midi-capture.js';

function engine(
  rules: MappingRuleInput[],
  targets: Record<string, Partial<OscTargetOptions>>,
  time = new ManualTime(),
) {
  const made = Object.fromEntries(Object.entries(targets).map(([name, o]) => [name, target(time, o)]));
  const fixtures: {
    fixture: string;
    slot: number | 'all';
    attribute: FixtureAttribute;
    value: number;
    atMs?: number;
  }[] = [];
  const { midi, midiBytes } = capturingMidi(time);
  // Bands by number: band-N holds slot N.
  const e = new MappingEngine({
    osc: new Map(Object.entries(made).map(([n, m]) => [n, m.t])),
    midi,
    fixtures: {
      set: (fixture, slot, attribute, value, atMs) => (
        fixtures.push({ fixture, slot, attribute, value, ...(atMs !== undefined ? { atMs } : {}) }),
        true
      ),
      slots: () => [],
    },
    slotOf: (key) => (key.startsWith('band-') ? Number(key.slice(5)) : undefined),
    groups: { front: '1-2' },
    haptics: new Map(),
    record: () => undefined,
    currentEvent: () => null,
    nextBeatAfter: () => undefined,
    hapticLeadMs: 40,
    now: time.now,
    setTimeout: time.setTimeout,
    latency: () => undefined,
  });
  e.setRules(mappingRulesSchema.parse(rules));
  return { e, made, fixtures, midi, midiBytes, time };
}

const hr = (band: number, bpm: number) => ({
  kind: 'heart_rate' as const,
  deviceKey: `band-${band}`,
  receivedAt: 0,
  index: 0,
  bpm,
  rr1024: [],
});

describe('routing', () => {
  it('matches rule ids against patterns with *', () => {
    expect(rulePattern('crowd-*')('crowd-energy')).toBe(true);
    expect(rulePattern('crowd-*')('dancer-hr')).toBe(false);
    expect(rulePattern('*')('anything')).toBe(true);
    expect(rulePattern('beat')('beats')).toBe(false);
  });

  it('sends a rule to the targets it names, else to the targets whose patterns take it; never a DMX blob unasked', () => {
    const time = new ManualTime();
    const rules = mappingRulesSchema.parse([
      { id: 'crowd-energy', source: { kind: 'crowd', metric: 'energy' }, target: { kind: 'osc', address: '/e' } },
      { id: 'dancer-hr', source: { kind: 'dancer', signal: 'hr' }, target: { kind: 'osc', address: '/d/{slot}' } },
      {
        id: 'dmx',
        source: { kind: 'crowd', metric: 'energy' },
        target: { kind: 'osc', targets: ['ola'], address: '/dmx/universe/1', type: 'dmx', channel: 1 },
      },
    ]);
    const targets = new Map([
      ['desk', target(time).t],
      ['lights', target(time, { rules: ['crowd-*'] }).t],
      ['ola', target(time, { rules: [] }).t],
    ]);
    const names = (id: string) =>
      routeRules(rules, targets)
        .get(id)!
        .map((r) => r.name);
    expect(names('crowd-energy')).toEqual(['desk', 'lights']);
    expect(names('dancer-hr')).toEqual(['desk']);
    expect(names('dmx')).toEqual(['ola']);
  });

  it('puts the target’s prefix before each address and maps floats onto its range', () => {
    const r = engine(
      [
        {
          id: 'hr',
          source: { kind: 'dancer', signal: 'hr' },
          scale: { in: [0, 200], out: [0, 1] },
          target: { kind: 'osc', address: '/d/{slot}/hr' },
        },
      ],
      { desk: {}, eos: { prefix: '/venue1', floatRange: [0, 100] } },
    );
    r.e.onSample(hr(3, 100));
    r.made.desk!.t.flush();
    r.made.eos!.t.flush();
    expect(r.made.desk!.messages()).toEqual([{ address: '/d/3/hr', args: [{ type: 'f', value: 0.5 }] }]);
    expect(r.made.eos!.messages()).toEqual([{ address: '/venue1/d/3/hr', args: [{ type: 'f', value: 50 }] }]);
  });

  it('takes only the selected dancers: ranges and named groups', () => {
    const r = engine(
      [
        {
          id: 'a',
          source: { kind: 'dancer', signal: 'hr', dancers: '3-4,7' },
          target: { kind: 'osc', address: '/a/{slot}' },
        },
        {
          id: 'b',
          source: { kind: 'dancer', signal: 'hr', dancers: 'front' },
          target: { kind: 'osc', address: '/b/{slot}' },
        },
      ],
      { desk: {} },
    );
    for (const band of [1, 2, 3, 4, 5, 7]) r.e.onSample(hr(band, 100));
    r.e.onSample({ ...hr(9, 100), deviceKey: 'no-slot' }); // no slot: nothing personal is sent
    r.made.desk!.t.flush();
    expect(
      r.made
        .desk!.messages()
        .map((m) => m.address)
        .sort(),
    ).toEqual(['/a/3', '/a/4', '/a/7', '/b/1', '/b/2']);
  });
});

describe('fixtures, per-slot DMX channels and per-slot MIDI', () => {
  it('writes dancer N to channel + (N − 1) × slotStride of an OLA frame', () => {
    const r = engine(
      [
        {
          id: 'dmx',
          source: { kind: 'dancer', signal: 'hr' },
          scale: { in: [0, 255], out: [0, 1] },
          target: {
            kind: 'osc',
            targets: ['ola'],
            address: '/dmx/universe/1',
            type: 'dmx',
            channel: 10,
            slotStride: 2,
          },
        },
      ],
      { ola: { rules: [] } },
    );
    r.e.onSample(hr(1, 100));
    r.e.onSample(hr(3, 200));
    r.made.ola!.t.flush();
    const [frame] = r.made.ola!.messages();
    const blob = frame!.args[0] as { value: Uint8Array };
    expect([blob.value[9], blob.value[13]]).toEqual([100, 200]); // channels 10 and 14
    expect([...blob.value].filter((v) => v !== 0)).toHaveLength(2);
  });

  it('drives a dancer’s own light, every light from the crowd, and hands beat-timed changes their beat', () => {
    const r = engine(
      [
        {
          id: 'par',
          source: { kind: 'dancer', signal: 'hr' },
          scale: { in: [0, 200], out: [0, 1] },
          target: { kind: 'fixture', fixture: 'pars', attribute: 'dimmer' },
        },
        {
          id: 'wash',
          source: { kind: 'crowd', metric: 'energy' },
          target: { kind: 'fixture', fixture: 'wash', attribute: 'colour' },
        },
        {
          id: 'beat',
          source: { kind: 'clock', on: 'beat' },
          scale: { in: [1, 8], out: [1, 0] },
          target: { kind: 'fixture', fixture: 'wash', attribute: 'dimmer' },
        },
      ],
      {},
    );
    r.e.onSample(hr(5, 150));
    r.e.onCrowd({ energy: 0.25 } as never);
    r.e.onBeat({
      index: 8,
      count: 1,
      beatInBar: 1,
      bar: 1,
      phrase: 1,
      barStart: true,
      phraseStart: true,
      at: 400,
      bpm: 120,
      source: 'osc',
    });
    expect(r.fixtures).toEqual([
      { fixture: 'pars', slot: 5, attribute: 'dimmer', value: 0.75 },
      { fixture: 'wash', slot: 'all', attribute: 'colour', value: 0.25 },
      { fixture: 'wash', slot: 'all', attribute: 'dimmer', value: 1, atMs: 400 },
    ]);
  });

  it('gives slot N its own MIDI channel, or note number + N − 1', async () => {
    const r = engine(
      [
        {
          id: 'ch',
          source: { kind: 'dancer', signal: 'hr' },
          scale: { in: [0, 127], out: [0, 1] },
          target: { kind: 'midi', message: 'cc', number: 7, perSlot: 'channel' },
        },
        {
          id: 'no',
          source: { kind: 'dancer', signal: 'hr' },
          scale: { in: [0, 127], out: [0, 1] },
          target: { kind: 'midi', message: 'cc', number: 20, perSlot: 'number' },
        },
      ],
      {},
    );
    await r.midi.start(new AbortController().signal);
    r.e.onSample(hr(3, 64));
    expect(r.midiBytes).toEqual([
      [0xb2, 7, 64], // channel 3
      [0xb0, 22, 64], // controller 20 + 2
    ]);
    await r.midi.stop();
  });
});
