/**
 * A technician teaches a gesture by example over the API; the pipeline then detects it live
 * on another person's wrist, with a confidence, and not on a dancer standing still.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bus } from '../../../daemon/bus.js';
import { loadPipelineModels } from '../../../daemon/pipeline/models.js';
import { loadPatterns } from '../../../daemon/pipeline/pattern-store.js';
import { Pipeline, type PipelineModels } from '../../../daemon/pipeline/pipeline.js';
import type { DetectionRow } from '../../../daemon/bus-events.js';
import { configSchema } from '../../../config/index.js';
import { HealthRegistry } from '../../../drivers/health/registry.js';
import { loadHmp, type Recording } from '../../../models/patterns/hmp.js';
import { apiHarness, type ApiHarness } from '../../helpers/api-app.js';
import { dataFile, hasData, noDataReason } from '../../helpers/data.js';

const { enabled: _enabled, arousalRuntime: _runtime, ...options } = configSchema.parse({}).pipeline;
let h: ApiHarness;
let models: PipelineModels;
beforeAll(async () => {
  h = await apiHarness();
  models = await loadPipelineModels(new HealthRegistry());
});
afterAll(async () => {
  await h.stop();
  await models.arousal?.close();
  await models.gesture?.close();
});

const asExample = (r: Recording) => ({
  rate_hz: 32,
  samples: Array.from({ length: r.xyz.length / 3 }, (_, i) => [r.xyz[i * 3]!, r.xyz[i * 3 + 1]!, r.xyz[i * 3 + 2]!]),
});

describe.skipIf(!hasData)(`movement patterns by example${hasData ? '' : ` (skipped: ${noDataReason})`}`, () => {
  it('learns "drink" from three volunteers over the API and detects it live on a fourth, not on a still wrist', async () => {
    const hmp = loadHmp(dataFile('imu', 'hmp'));
    // Examples from several people, as the model card advises; m1 is never shown.
    const teach = ['f1', 'f2', 'm4'].map((v) => hmp.find((r) => r.gesture === 'Drink_glass' && r.volunteer === v)!);
    const res = await h.call('/api/v1/movement/patterns', {
      token: h.tokens.technician,
      body: { name: 'drink', description: 'raise a glass', examples: teach.map(asExample) },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const data = (
      res.body as { pattern_data: { model: string; prototype: number[]; durationS: number; examples: number } }
    ).pattern_data;
    expect(data).toMatchObject({ model: 'gesture-v1', examples: 3 });
    expect(data.prototype).toHaveLength(53);
    expect(data.durationS).toBeGreaterThan(1);

    const bad = await h.call('/api/v1/movement/patterns', {
      token: h.tokens.technician,
      body: { name: 'blip', examples: [{ rate_hz: 50, samples: [[0, 0, 1]] }] },
    });
    expect(bad.status).toBe(422);

    const patterns = loadPatterns(h.sql.sqlite);
    expect(patterns.map((p) => p.name)).toEqual(['drink']);
    const bus = new Bus(() => undefined);
    const detections: (DetectionRow & { name: string })[] = [];
    bus.on('pattern', (p) => detections.push(p));
    let now = 1_800_000_000_000;
    const pipeline = new Pipeline({
      bus,
      write: () => undefined,
      health: new HealthRegistry(),
      now: () => now,
      tempo: () => undefined,
      patterns: () => patterns,
      currentEvent: () => null,
      models,
      options,
    });
    const other = hmp.filter((r) => r.gesture === 'Drink_glass' && r.volunteer === 'm1')[1]!;
    const still = Float32Array.from({ length: other.xyz.length }, (_, i) => (i % 3 === 2 ? 1 : 0));
    for (const [key, xyz] of [
      ['band-m1', other.xyz],
      ['band-still', still],
    ] as const) {
      pipeline.ingest({
        kind: 'raw',
        deviceKey: key,
        stream: 'acc',
        receivedAt: now,
        firstIndex: 0,
        startedAt: now - (xyz.length / 3 - 1) * (1000 / 32),
        rateHz: 32,
        channels: 3,
        values: xyz,
      });
    }
    await pipeline.patternTick();
    expect(detections.map((d) => [d.deviceKey, d.name])).toEqual([['band-m1', 'drink']]);
    expect(detections[0]!.confidence).toBeGreaterThanOrEqual(options.patternConfidence);
    // The same gesture is not reported again within its own duration (cooldown).
    now += 200;
    await pipeline.patternTick();
    expect(detections).toHaveLength(1);
  });
});
