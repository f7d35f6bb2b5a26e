import { describe, expect, it } from 'vitest';
import { mappingRulesSchema, type MappingRuleInput } from '../../../config/mapping.js';
import { MappingEngine, type MappingOutputs } from '../../../daemon/mapping/engine.js';
import type { HapticOutput, HapticPulse } from '../../../drivers/haptic.js';
import { OscTarget, type Origin } from '../../../drivers/osc/osc-target.js';
import type { OscTransport } from '../../../drivers/osc/transport.js';
import { decodeOscPacket, type OscMessage } from '../../../drivers/osc/codec.js';
import { HealthRegistry } from '../../../drivers/health/registry.js';
import type { OutputEventRow } from '../../../daemon/bus-events.js';
import { ManualTime } from '../../helpers/manual-time.js';
import { capturingMidi } from '../../helpers/midi-capture.js';
/** An OSC target whose transport keeps every packet, decoded. */
function capturingTarget(
  time: ManualTime,
  latencies: { kind: string; origin: Origin; sentAt: number }[] = [],
  over: { timeTags?: boolean } = {},
) {
  const packets: Uint8Array[] = [];
  const transport: OscTransport = {
    send: (p) => (packets.push(p), true),
    start: () => undefined,
    stop: () => Promise.resolve(),
  };
  const target = new OscTarget(
    {
      id: 'osc:t',
      rateHz: 50,
      maxMessagesPerS: 1000,
      maxPacketBytes: 1400,
      timeTags: over.timeTags ?? false,
      rules: ['*'],
      prefix: '',
      floatRange: [0, 1],
      hold: false,
    },
    transport,
    new HealthRegistry(),
    time,
    (kind, origin, sentAt) => latencies.push({ kind, origin, sentAt }),
  );
  type Seen = OscMessage & { bundled: boolean; timeTag?: [number, number] };
  const messages = (): Seen[] =>
    packets.flatMap((p): Seen[] => {
      const d = decodeOscPacket(p);
      if (!d.ok) throw new Error(d.reason);
      if ('address' in d.value) return [{ ...d.value, bundled: false }];
      const b = d.value;
      return b.elements.map((e) => ({ ...(e as OscMessage), bundled: true, timeTag: b.timeTag }));
    });
  return { target, packets, messages };
}

function rig(rules: MappingRuleInput[], over: { timeTags?: boolean } = {}) {
  const time = new ManualTime();
  const latencies: { kind: string; origin: Origin; sentAt: number }[] = [];
  const osc = capturingTarget(time, latencies, over);
  const pulses: (HapticPulse & { at: number })[] = [];
  const haptic = {
    name: 'floor',
    channels: 2,
    pulse: (p: HapticPulse) => (
      pulses.push({ ...p, at: time.now() }),
      Promise.resolve({ ok: true as const, latencyMs: 1, attempts: 1 })
    ),
  } as unknown as HapticOutput;
  const { midi, midiBytes } = capturingMidi(time);
  const records: OutputEventRow[] = [];
  // Slots in order of first appearance, as the store hands them out.
  const slots = new Map<string, number>();
  const outputs: MappingOutputs = {
    osc: new Map([['t', osc.target]]),
    slotOf: (key) => slots.get(key) ?? (slots.set(key, slots.size + 1), slots.size),
    groups: { front: '1-2' },
    midi,
    haptics: new Map([['floor', haptic]]),
    record: (r) => records.push(r),
    currentEvent: () => 7,
    nextBeatAfter: (t) => Math.ceil((t + 1) / 500) * 500,
    hapticLeadMs: 40,
    now: time.now,
    setTimeout: time.setTimeout,
    latency: (output, kind, origin, sentAt) => latencies.push({ kind: `${output}:${kind}`, origin, sentAt }),
  };
  const engine = new MappingEngine(outputs);
  engine.setRules(mappingRulesSchema.parse(rules));
  return { time, engine, osc, pulses, midi, midiBytes, records, latencies };
}

const beat = (index: number, at: number, count: number) => ({
  index,
  count,
  beatInBar: ((count - 1) % 4) + 1,
  bar: count > 4 ? 2 : 1,
  phrase: 1,
  barStart: count === 1 || count === 5,
  phraseStart: count === 1,
  at,
  bpm: 120,
  source: 'osc' as const,
});

describe('mapping engine', () => {
  it('sends continuous values at the next steady tick as a bundle, and triggers at once as bare messages', () => {
    const r = rig([
      {
        id: 'hr',
        source: { kind: 'dancer', signal: 'hr' },
        target: { kind: 'osc', address: '/codance/dancer/{slot}/hr' },
      },
      {
        id: 'hit',
        source: { kind: 'dancer', signal: 'movement' },
        scale: { in: [0, 4], out: [0, 1], threshold: { on: 0.5, off: 0.3 } },
        target: { kind: 'osc', address: '/codance/dancer/{slot}/hit', type: 'bool' },
      },
    ]);
    r.osc.target.start();
    r.engine.onSample(
      { kind: 'heart_rate', deviceKey: 'band 1', receivedAt: 0, index: 0, bpm: 131, rr1024: [] },
      r.time.now(),
    );
    expect(r.osc.messages()).toEqual([]);
    r.time.advance(20);
    expect(r.osc.messages()).toEqual([
      { address: '/codance/dancer/1/hr', args: [{ type: 'f', value: 131 }], bundled: true, timeTag: [0, 1] },
    ]);
    const spike = new Float32Array([0, 0, 1, 0, 0, 3.5, 0, 0, 1]);
    r.engine.onSample(
      {
        kind: 'raw',
        deviceKey: 'b2',
        stream: 'acc',
        receivedAt: 0,
        firstIndex: 0,
        startedAt: 0,
        rateHz: 50,
        channels: 3,
        values: spike,
      },
      r.time.now() - 0.25,
    );
    expect(r.osc.messages().at(-1)).toEqual({
      address: '/codance/dancer/2/hit',
      args: [{ type: 'T', value: true }],
      bundled: false,
    });
    const trig = r.latencies.find((l) => l.kind === 'trigger')!;
    expect(trig.origin.path).toBe('sample');
    expect(trig.sentAt - trig.origin.at).toBeCloseTo(0.25, 6);
    void r.osc.target.stop();
  });

  it('schedules beat outputs for the beat: held and sent when due, or sent early in a time-tagged bundle', async () => {
    const rules: MappingRuleInput[] = [
      {
        id: 'beat',
        source: { kind: 'clock', on: 'beat' },
        target: { kind: 'osc', address: '/codance/beat', type: 'i' },
      },
    ];
    const held = rig(rules);
    const at = held.time.now() + 100;
    held.engine.onBeat(beat(1, at, 3));
    expect(held.osc.messages()).toEqual([]);
    held.time.advance(100);
    expect(held.osc.messages()).toEqual([
      { address: '/codance/beat', args: [{ type: 'i', value: 3 }], bundled: false },
    ]);

    const tagged = rig(rules, { timeTags: true });
    const at2 = tagged.time.now() + 100;
    tagged.engine.onBeat(beat(1, at2, 3));
    const [m] = tagged.osc.messages();
    expect(m).toMatchObject({ address: '/codance/beat', bundled: true });
    const ntpSeconds = m!.timeTag![0] - 2_208_988_800 + m!.timeTag![1] / 2 ** 32;
    expect(ntpSeconds * 1000).toBeCloseTo(at2, 0);
    await Promise.resolve();
  });

  it('lands beat-synchronous haptic cues leadMs before the beat, on every channel of the controller', () => {
    const r = rig([
      {
        id: 'pulse',
        source: { kind: 'clock', on: 'phrase' },
        target: { kind: 'haptic', controller: 'floor', pattern: 'double', durationMs: 80 },
      },
    ]);
    const at = r.time.now() + 100;
    r.engine.onBeat(beat(8, at, 2)); // not a phrase start: nothing
    r.engine.onBeat(beat(9, at, 1));
    r.time.advance(200);
    expect(r.pulses.map((p) => ({ channel: p.channel, lead: at - p.at, pattern: p.pattern }))).toEqual([
      { channel: 0, lead: 40, pattern: 'double' },
      { channel: 1, lead: 40, pattern: 'double' },
    ]);
  });

  it('drives MIDI CC and notes as wire bytes, and records sound and visualization events', async () => {
    const r = rig([
      {
        id: 'cc',
        source: { kind: 'crowd', metric: 'energy' },
        target: { kind: 'midi', message: 'cc', channel: 2, number: 74 },
      },
      {
        id: 'note',
        source: { kind: 'pattern', name: 'dip' },
        target: { kind: 'midi', message: 'note', channel: 10, number: 36, durationMs: 50 },
      },
      {
        id: 'viz',
        source: { kind: 'crowd', metric: 'energy' },
        scale: { threshold: { on: 0.8, off: 0.5 } },
        target: { kind: 'visualization', type: 'strobe_burst' },
      },
    ]);
    await r.midi.start(new AbortController().signal);
    await Promise.resolve();
    const crowd = (energy: number) => ({
      at: 0,
      eventId: 7,
      bpm: 120,
      activeDancers: 3,
      energy,
      arousal: null,
      beatSynchrony: null,
      interSynchrony: null,
      density: null,
    });
    r.engine.onCrowd(crowd(0.5));
    r.engine.onPattern('b1', 'dip', 0.9);
    r.engine.onPattern('b1', 'spin', 0.9);
    r.engine.onCrowd(crowd(0.9));
    r.time.advance(60);
    expect(r.midiBytes).toEqual([
      [0xb1, 74, 64],
      [0x99, 36, 114],
      [0xb1, 74, 114],
      [0x89, 36, 0],
    ]);
    expect(r.records).toEqual([
      expect.objectContaining({
        kind: 'visualization',
        eventId: 7,
        type: 'strobe_burst',
        intensity: 0.9,
        parameters: { rule: 'viz', value: 0.9 },
      }),
    ]);
    await r.midi.stop();
  });

  it("keeps a rule's state across a rule-set change only when the rule itself did not change", () => {
    const rule: MappingRuleInput = {
      id: 'hit',
      source: { kind: 'crowd', metric: 'energy' },
      scale: { threshold: { on: 0.5, off: 0.3 } },
      target: { kind: 'osc', address: '/hit' },
    };
    const r = rig([rule]);
    const crowd = (energy: number) => ({
      at: 0,
      eventId: null,
      bpm: null,
      activeDancers: 0,
      energy,
      arousal: null,
      beatSynchrony: null,
      interSynchrony: null,
      density: null,
    });
    r.engine.onCrowd(crowd(0.9));
    r.engine.setRules(mappingRulesSchema.parse([rule]));
    r.engine.onCrowd(crowd(0.9)); // still disarmed: no second firing
    r.engine.setRules(mappingRulesSchema.parse([{ ...rule, scale: { threshold: { on: 0.6, off: 0.3 } } }]));
    r.engine.onCrowd(crowd(0.9)); // a changed rule starts fresh
    expect(r.osc.messages().filter((m) => m.address === '/hit')).toHaveLength(2);
  });
});
