/** A rule's scaling (curves, thresholds, smoothing, rate limits) and the rules the schema refuses. */
import { describe, expect, it } from 'vitest';
import { mappingRuleSchema, mappingRulesSchema } from '../../../config/mapping.js';
import { freshState, mapValue, step } from '../../../models/mapping/scale.js';

const scale = (over: object = {}) =>
  mappingRuleSchema.parse({
    id: 'r',
    source: { kind: 'crowd', metric: 'energy' },
    scale: over,
    target: { kind: 'osc', address: '/x' },
  }).scale;

describe('scaling', () => {
  it('maps a range through a curve, clamping, and inverts with a reversed output range', () => {
    expect(mapValue(5, scale({ in: [0, 10], out: [0, 100] }))).toBe(50);
    expect(mapValue(50, scale({ in: [0, 10], out: [0, 100] }))).toBe(100);
    expect(mapValue(5, scale({ in: [0, 10], out: [0, 1], curve: 'exp' }))).toBeCloseTo(0.25);
    expect(mapValue(5, scale({ in: [0, 10], out: [0, 1], curve: 'log' }))).toBeCloseTo(Math.SQRT1_2);
    expect(mapValue(2, scale({ in: [0, 10], out: [1, 0] }))).toBeCloseTo(0.8);
    expect(mapValue(123, scale())).toBe(123);
  });

  it('fires once per rising crossing of the threshold and re-arms only below off (hysteresis)', () => {
    const s = scale({ threshold: { on: 0.6, off: 0.4 } });
    const st = freshState();
    const fired = [0.5, 0.65, 0.7, 0.55, 0.62, 0.3, 0.61].map((v, i) => step(st, v, i * 100, s, false).kind);
    expect(fired).toEqual(['none', 'fire', 'none', 'none', 'none', 'none', 'fire']);
  });

  it('smooths over real time and rate-limits outputs', () => {
    const s = scale({ smoothingMs: 100, minIntervalMs: 250 });
    const st = freshState();
    expect(step(st, 0, 0, s, false)).toEqual({ kind: 'value', value: 0 });
    expect(step(st, 1, 100, s, false).kind).toBe('none'); // within 250 ms
    const later = step(st, 1, 300, s, false);
    expect(later.kind).toBe('value');
    // two time constants of a step from 0 to 1 (100 ms then 200 ms)
    expect((later as { value: number }).value).toBeCloseTo(1 - Math.exp(-1) * Math.exp(-2), 6);
  });

  it('refuses rules that cannot work, naming the field', () => {
    const bad = (r: unknown) =>
      mappingRuleSchema.safeParse(r).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(
      bad({ id: 'h', source: { kind: 'crowd', metric: 'energy' }, target: { kind: 'haptic', controller: 'floor' } }),
    ).toEqual(['scale.threshold: a haptic target fires on events: give a threshold to a crowd source']);
    expect(
      bad({
        id: 'd',
        source: { kind: 'crowd', metric: 'energy' },
        target: { kind: 'osc', address: '/dmx/1', type: 'dmx' },
      }),
    ).toEqual([
      'target.channel: a dmx target needs its channel (1..512)',
      'target.targets: a dmx rule must name its targets',
    ]);
    expect(
      bad({ id: 'c', source: { kind: 'crowd', metric: 'energy' }, target: { kind: 'osc', address: '/d/{slot}' } }),
    ).toEqual(['target.address: {slot} is only known for dancer and pattern sources']);
    expect(
      bad({ id: 'w', source: { kind: 'dancer', signal: 'hr' }, target: { kind: 'osc', address: '/d/{id}/hr' } })?.[0],
    ).toMatch(/placeholders: \{slot\}, \{name\}/);
    expect(
      bad({
        id: 's',
        source: { kind: 'dancer', signal: 'hr', dancers: '8-3' },
        target: { kind: 'osc', address: '/a' },
      })?.[0],
    ).toMatch(/^source.dancers: must be "all", slot numbers and ranges/);
    expect(
      bad({ id: 'a', source: { kind: 'crowd', metric: 'energy' }, target: { kind: 'osc', address: 'no slash' } })?.[0],
    ).toMatch(/^target.address: must start with "\/"/);
    expect(
      bad({
        id: 'a',
        source: { kind: 'crowd', metric: 'energy' },
        scale: { threshold: { on: 0.2, off: 0.5 } },
        target: { kind: 'osc', address: '/a' },
      }),
    ).toEqual(['scale.threshold.off: off must be at most on']);
    const dup = mappingRulesSchema.safeParse([
      { id: 'x', source: { kind: 'cue' }, target: { kind: 'osc', address: '/a' } },
      { id: 'x', source: { kind: 'cue' }, target: { kind: 'osc', address: '/b' } },
    ]);
    expect(dup.error?.issues[0]?.message).toBe('duplicate rule id "x"');
  });
});
