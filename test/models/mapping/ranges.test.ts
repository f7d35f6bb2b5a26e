/**
 * Ranges that fit: the default movement rule spans 0..1 for each dancer whatever their style
 * (adaptive percentiles), and the default hit fires on vigorous wrist movement and dancing but
 * hardly on eating, drinking, phoning or walking. Real data: the HMP wrist recordings; and the
 * simulated crowd.
 */
import { describe, expect, it } from 'vitest';
import { defaultRules, mappingRuleSchema } from '../../../config/mapping.js';
import { simulatedStreams } from '../../../drivers/sim/calibrate-hits.js';
import { peakMovement } from '../../../models/features/block-movement.js';
import { firesPerMinute, hmpStreams, type BlockStream } from '../../../models/mapping/hit-rates.js';
import { freshState, step } from '../../../models/mapping/scale.js';
import { loadHmp } from '../../../models/patterns/hmp.js';
import { dataFile, hasData } from '../../helpers/data.js';

const rule = (id: string) => mappingRuleSchema.parse(defaultRules.find((r) => r.id === id));

/** The 5th and 95th percentile of what a rule sends for one stream, after its first minute. */
function outputSpan(stream: BlockStream, scale: ReturnType<typeof rule>['scale']): [number, number] {
  const state = freshState();
  const out: number[] = [];
  stream.blocks.forEach((b, i) => {
    const r = step(state, peakMovement(b), i * stream.blockMs, scale, false);
    if (r.kind === 'value' && i * stream.blockMs > 60_000) out.push(r.value);
  });
  out.sort((a, b) => a - b);
  return [out[Math.floor(out.length * 0.05)]!, out[Math.floor(out.length * 0.95)]!];
}

describe('default ranges', () => {
  it('spans movement 0..1 per dancer: a calm and a wild simulated crowd both use the whole range', () => {
    const movement = rule('dancer-movement').scale;
    for (const mood of [0.2, 0.9]) {
      for (const stream of simulatedStreams(mood, 4, 240)) {
        const [lo, hi] = outputSpan(stream, movement);
        expect(lo, `mood ${mood}`).toBeLessThan(0.2);
        expect(hi, `mood ${mood}`).toBeGreaterThan(0.8);
      }
    }
    // A fixed 0..4 g range used about a third of it.
    const fixed = { ...movement, in: [0, 4] as [number, number], adaptive: undefined };
    expect(outputSpan(simulatedStreams(0.6, 1, 240)[0]!, fixed)[1]).toBeLessThan(0.4);
  });

  it.skipIf(!hasData)('fires the default hit on dancing and vigorous wrist gestures, hardly on calm ones (HMP)', () => {
    const hit = rule('dancer-hit').scale;
    const hmp = hmpStreams(loadHmp(dataFile('imu', 'hmp')));
    const rate = (g: string) => firesPerMinute(hmp.get(g)!, hit);
    for (const calm of ['Drink_glass', 'Eat_meat', 'Eat_soup', 'Use_telephone', 'Walk'])
      expect(rate(calm), calm).toBeLessThan(1);
    expect(rate('Comb_hair')).toBeGreaterThan(10);
    expect(rate('Brush_teeth')).toBeGreaterThan(4);
    const dancing = firesPerMinute(simulatedStreams(0.6, 8, 120), hit);
    expect(dancing).toBeGreaterThan(15);
    expect(dancing).toBeLessThan(60);
  });
});
