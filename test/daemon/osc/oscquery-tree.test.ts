/**
 * The OSCQuery tree: every output has the range a desk can expect on it, every command node is
 * listed from the start (haptics, mapping parameters, presets, clock), and per-dancer and named
 * nodes exist for every configured rule before its first message.
 */
import { describe, expect, it } from 'vitest';
import { defaultRules, mappingRuleSchema, mappingRulesSchema } from '../../../config/mapping.js';
import { buildTree, type OscQuerySource } from '../../../daemon/osc/oscquery.js';

const rule = (id: string, signal: string, address: string, extra: object = {}) =>
  mappingRuleSchema.parse({
    id,
    source: { kind: 'dancer', signal },
    target: { kind: 'osc', address },
    ...extra,
  });

type Node = { CONTENTS?: Record<string, Node>; RANGE?: unknown; ACCESS?: number; TYPE?: string; DESCRIPTION?: string };

const source = (over: Partial<OscQuerySource>): OscQuerySource => ({
  name: 'test',
  oscPort: () => undefined,
  sent: () => new Map(),
  rules: () => [],
  controllers: () => ['floor'],
  slots: () => [1, 2, 3],
  names: (kind) => (kind === 'cue' ? ['choreo.move', 'choreo.count.1'] : ['spin']),
  presets: () => ['calm'],
  clock: { beatsPerBar: 4, beatsPerPhrase: 8 },
  ...over,
});

const at = (tree: Node, path: string): Node | undefined =>
  path
    .split('/')
    .slice(1)
    .reduce((n: Node | undefined, p) => n?.CONTENTS?.[p], tree);

/** Every leaf (a node with a TYPE) under a node. */
const leaves = (n: Node): Node[] =>
  Object.values(n.CONTENTS ?? {}).flatMap((c) => [...(c.TYPE !== undefined ? [c] : []), ...leaves(c)]);

describe('OSCQuery tree', () => {
  const tree = buildTree(
    source({
      rules: () => [
        rule('hr-raw', 'hr', '/hr/raw'),
        rule('eda-scaled', 'eda', '/eda/scaled', { scale: { in: [0, 20], out: [1, 0] } }),
        rule('movement-raw', 'movement', '/movement/raw'),
        rule('hr-gate', 'hr', '/hr/gate', {
          target: { kind: 'osc', address: '/hr/gate', type: 'bool' },
          scale: { threshold: { on: 150, off: 140 } },
        }),
      ],
    }),
  ) as Node;

  it("gives an unscaled signal the registry's range, a scaled one its output range, a trigger its values", () => {
    expect(at(tree, '/hr/raw')?.RANGE).toEqual([{ MIN: 40, MAX: 200 }]);
    expect(at(tree, '/eda/scaled')?.RANGE).toEqual([{ MIN: 0, MAX: 1 }]);
    expect(at(tree, '/movement/raw')?.RANGE).toEqual([{ MIN: 0, MAX: 16 }]);
    expect(at(tree, '/hr/gate')?.RANGE).toEqual([{ VALS: [true, false] }]);
  });

  it('lists every node of the default address space before any message, each output with a RANGE', () => {
    const t = buildTree(source({ rules: () => mappingRulesSchema.parse(defaultRules) })) as Node;
    for (const slot of [1, 2, 3])
      for (const leaf of ['hr', 'movement', 'arousal', 'hit'])
        expect(at(t, `/codance/dancer/${slot}/${leaf}`)?.ACCESS, `/codance/dancer/${slot}/${leaf}`).toBe(1);
    expect(at(t, '/codance/pattern/spin')?.ACCESS).toBe(1);
    expect(at(t, '/codance/cue/choreo.count.1')?.ACCESS).toBe(1);
    expect(at(t, '/codance/beat')?.RANGE).toEqual([{ MIN: 1, MAX: 8 }]);
    expect(at(t, '/codance/bar')?.RANGE).toEqual([{ MIN: 1, MAX: 2 }]);
    const outputs = leaves(t).filter((n) => n.ACCESS === 1);
    expect(outputs.length).toBeGreaterThan(20);
    for (const n of outputs) expect(n.RANGE, JSON.stringify(n)).toBeDefined();
  });

  it('lists every command from the start: haptic pulse per controller, each rule parameter, presets, clock', () => {
    const t = buildTree(source({ rules: () => mappingRulesSchema.parse(defaultRules) })) as Node;
    expect(at(t, '/codance/haptic/floor/pulse')).toMatchObject({ ACCESS: 2, TYPE: 'ifsi' });
    expect(at(t, '/codance/mapping/dancer-hit/threshold_on')).toMatchObject({ ACCESS: 2, TYPE: 'f' });
    expect(at(t, '/codance/mapping/crowd-energy/enabled')).toMatchObject({ ACCESS: 2, TYPE: 'T' });
    expect(at(t, '/codance/preset/sound')).toMatchObject({ ACCESS: 2, RANGE: [{ VALS: ['', 'calm'] }] });
    for (const c of ['tempo', 'tap', 'beat', 'start', 'stop', 'release'])
      expect(at(t, `/codance/clock/${c}`)?.ACCESS, c).toBe(2);
  });

  it('describes an address several rules write by all of them', () => {
    const dmx = (id: string, channel: number) =>
      mappingRuleSchema.parse({
        id,
        source: { kind: 'crowd', metric: 'energy' },
        target: { kind: 'osc', targets: ['ola'], address: '/dmx/universe/1', type: 'dmx', channel },
      });
    const t = buildTree(source({ rules: () => [dmx('a', 1), dmx('b', 2), dmx('c', 3)] })) as Node;
    expect(at(t, '/dmx/universe/1')?.DESCRIPTION).toBe('written by rules a, b, c');
  });
});
