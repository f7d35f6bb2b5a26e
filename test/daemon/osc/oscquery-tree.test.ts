/** The OSCQuery tree gives each rule's address the range a desk can expect on it. */
import { describe, expect, it } from 'vitest';
import { mappingRuleSchema } from '../../../config/mapping.js';
import { buildTree } from '../../../daemon/osc/oscquery.js';

const rule = (id: string, signal: string, address: string, extra: object = {}) =>
  mappingRuleSchema.parse({
    id,
    source: { kind: 'dancer', signal },
    target: { kind: 'osc', address },
    ...extra,
  });

describe('OSCQuery tree', () => {
  const tree = buildTree({
    name: 'test',
    oscPort: () => undefined,
    sent: () => new Map(),
    rules: () => [
      rule('hr-raw', 'hr', '/hr/raw'),
      rule('eda-scaled', 'eda', '/eda/scaled', { scale: { in: [0, 20], out: [1, 0] } }),
      rule('movement-raw', 'movement', '/movement/raw'),
      rule('hr-gate', 'hr', '/hr/gate', {
        target: { kind: 'osc', address: '/hr/gate', type: 'bool' },
        scale: { threshold: { on: 150, off: 140 } },
      }),
    ],
  });
  const node = (path: string) =>
    path
      .split('/')
      .slice(1)
      .reduce((n: { CONTENTS?: Record<string, unknown> }, p) => n.CONTENTS![p] as typeof n, tree) as {
      RANGE?: unknown;
    };

  it("gives an unscaled signal the registry's range, and a scaled one its output range", () => {
    expect(node('/hr/raw').RANGE).toEqual([{ MIN: 40, MAX: 200 }]);
    expect(node('/eda/scaled').RANGE).toEqual([{ MIN: 0, MAX: 1 }]);
  });

  it('gives no range where none is known (a derived signal, a trigger)', () => {
    expect(node('/movement/raw').RANGE).toBeUndefined();
    expect(node('/hr/gate').RANGE).toBeUndefined();
  });
});
