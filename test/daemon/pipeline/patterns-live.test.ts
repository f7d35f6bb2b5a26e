/**
 * A technician teaches a gesture by example over the API; the pipeline then detects it live
 * on another person's wrist, with a confidence, and not on a dancer standing still.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bus } from '../../../daemon/bus.js';
import { loadPipelineModels } from '../../../daemon/pipeline/models.js';
import { loadPatterns } from '../../../daemon/pipeline/pattern-store.js';
import { Pipeline, type PipelineModels } from '../../../daemon/pipeline/pipeline.js';
import type { DetectionRow } from '../../../daemon/bus-events.js';
import { configSchema } from '../../../config/index.js';
import { HealthRegistry } from '../../../drivers/health/registry.js';
import { loadHmp, type Recording } from '../../../models/patterns/hmp.js';
import { GESTURE_FEATURE_COUNT, gestureFeatures } from '../../../models/features/gesture.js';
import { GESTURE_EMBEDDING_DIMS, GESTURE_MODEL_PATH } from '../../../models/patterns/model.js';
import { readInitializer } from '../../../models/onnx/build.js';
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
      res.body as {
        pattern_data: { model: string; prototype: number[]; radius2: number; durationS: number; examples: number };
      }
    ).pattern_data;
    expect(data).toMatchObject({ model: 'gesture-v2', examples: 3 });
    expect(data.prototype).toHaveLength(GESTURE_EMBEDDING_DIMS);
    expect(data.radius2).toBeGreaterThan(0);
    expect(data.durationS).toBeGreaterThan(1);

    const bad = await h.call('/api/v1/movement/patterns', {
      token: h.tokens.technician,
      body: { name: 'blip', examples: [{ rate_hz: 50, samples: [[0, 0, 1]] }] },
    });
    expect(bad.status).toBe(422);

    const patterns = loadPatterns(h.sql.sqlite, models.gesture!.projection);
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

  it('keeps a pattern stored by the earlier embedding (a standardised-feature prototype): projected, it is the same pattern', async () => {
    const hmp = loadHmp(dataFile('imu', 'hmp'));
    const teach = ['f1', 'f2', 'm4'].map((v) => hmp.find((r) => r.gesture === 'Pour_water' && r.volunteer === v)!);
    const res = await h.call('/api/v1/movement/patterns', {
      token: h.tokens.technician,
      body: { name: 'pour', examples: teach.map(asExample) },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const bytes = readFileSync(GESTURE_MODEL_PATH);
    const [mu, sd] = [readInitializer(bytes, 'MU'), readInitializer(bytes, 'SD')];
    const legacy = new Array<number>(GESTURE_FEATURE_COUNT).fill(0);
    for (const r of teach) {
      const f = gestureFeatures(r.xyz, 32);
      for (let i = 0; i < legacy.length; i++) legacy[i]! += (f[i]! - mu[i]!) / sd[i]! / teach.length;
    }
    h.sql.sqlite
      .prepare('INSERT INTO movement_patterns (name, pattern_data, created_at, updated_at) VALUES (?, ?, 0, 0)')
      .run('pour-v1', JSON.stringify({ model: 'gesture-v1', prototype: legacy, durationS: 5, examples: 3 }));
    const patterns = loadPatterns(h.sql.sqlite, models.gesture!.projection);
    const v2 = patterns.find((p) => p.name === 'pour')!;
    const v1 = patterns.find((p) => p.name === 'pour-v1')!;
    expect(v1.radius2).toBeUndefined();
    v1.vector.forEach((v, i) => expect(v, `dimension ${i}`).toBeCloseTo(v2.vector[i]!, 3));
    // Without the model's projection an earlier pattern cannot be placed, and is left out.
    expect(loadPatterns(h.sql.sqlite).map((p) => p.name)).not.toContain('pour-v1');
  });
});
