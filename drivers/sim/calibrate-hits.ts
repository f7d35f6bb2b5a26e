/**
 * `npm run calibrate:hits`: how often the default `dancer-hit` rule fires, per minute per
 * wearer, on each gesture class of the HMP wrist recordings and on the simulated crowd at
 * three moods. Prints a Markdown table (the README's figures come from it).
 */
import { join } from 'node:path';
import { defaultRules, mappingRuleSchema } from '../../config/mapping.js';
import { firesPerMinute, hmpStreams, type BlockStream } from '../../models/mapping/hit-rates.js';
import { loadHmp } from '../../models/patterns/hmp.js';
import { DancerModel } from './dancer-model.js';

const BLOCK_MS = 200;
const IMU_HZ = 50;

/** Simulated dancers' wrists, blocks as the venue driver sends them. */
export function simulatedStreams(mood: number, dancers = 24, seconds = 300, seed = 7): BlockStream[] {
  return Array.from({ length: dancers }, (_, d) => {
    const model = new DancerModel(seed * 10_007 + d, 0, { bpm: 128, mood });
    const per = (IMU_HZ * BLOCK_MS) / 1000;
    const blocks: Float32Array[] = [];
    for (let t = 0; t < seconds * 1000; t += BLOCK_MS) {
      const values = new Float32Array(per * 3);
      for (let i = 0; i < per; i++) values.set(model.acceleration(t + (i * 1000) / IMU_HZ), i * 3);
      blocks.push(values);
    }
    return { blockMs: BLOCK_MS, blocks };
  });
}

export function hitRateTable(dataPath: string): string {
  const hit = mappingRuleSchema.parse(defaultRules.find((r) => r.id === 'dancer-hit'));
  const rows: [string, number][] = [];
  for (const [gesture, streams] of hmpStreams(loadHmp(join(dataPath, 'imu/hmp')), BLOCK_MS))
    rows.push([`HMP ${gesture.replaceAll('_', ' ').toLowerCase()}`, firesPerMinute(streams, hit.scale)]);
  for (const mood of [0.2, 0.6, 0.9])
    rows.push([`simulator, mood ${mood}`, firesPerMinute(simulatedStreams(mood), hit.scale)]);
  return ['| wrist data | hits per minute |', '|---|---|', ...rows.map(([n, r]) => `| ${n} | ${r.toFixed(1)} |`)].join(
    '\n',
  );
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  process.stdout.write(`${hitRateTable(process.env.CODANCE_DATA__PATH ?? '../shared/data')}\n`);
}
