/**
 * The pipeline on simulated dancers (with a manual clock) and on a real E4 recording played
 * in its own time: features, batched arousal, movement against the beat, the crowd state,
 * and everything written for the session.
 */
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Bus } from '../../../daemon/bus.js';
import { Pipeline, type PipelineModels } from '../../../daemon/pipeline/pipeline.js';
import { loadPipelineModels } from '../../../daemon/pipeline/models.js';
import type { CrowdRow } from '../../../daemon/bus-events.js';
import type { WriteOp } from '../../../daemon/store/row-writer.js';
import { Store } from '../../../daemon/store/store.js';
import { configSchema } from '../../../config/index.js';
import { AROUSAL_INPUTS } from '../../../models/arousal/inputs.js';
import { movementFeatures } from '../../../models/features/movement.js';
import { HealthRegistry } from '../../../drivers/health/registry.js';
import { loadE4Folder } from '../../../drivers/replay/e4-replay-driver.js';
import type { Sample } from '../../../config/signals.js';
import { SimulatedVenueDriver, type SimClock } from '../../../drivers/sim/venue-driver.js';
import { tempDir } from '../../helpers/daemon-process.js';
import { dataFile, hasData, noDataReason } from '../../helpers/data.js';

const { enabled: _enabled, arousalRuntime: _runtime, ...options } = configSchema.parse({}).pipeline;

function manualClock(start: number) {
  let now = start;
  const ticks: { every: number; fn: () => void }[] = [];
  const clock: SimClock = {
    now: () => now,
    every(ms, fn) {
      const t = { every: ms, fn };
      ticks.push(t);
      return () => ticks.splice(ticks.indexOf(t), 1);
    },
  };
  return {
    clock,
    now: () => now,
    step(ms: number) {
      now += ms;
      for (const t of ticks) t.fn();
    },
  };
}

function rig(models: PipelineModels, now: () => number, tempo: () => { bpm: number; originS: number } | undefined) {
  const bus = new Bus((event, err) => {
    throw new Error(`${event}: ${String(err)}`);
  });
  const written: Extract<WriteOp, { t: 'inference' | 'crowd' | 'detection' }>[] = [];
  const health = new HealthRegistry();
  const pipeline = new Pipeline({
    bus,
    write: (op) => written.push(op),
    health,
    now,
    tempo,
    patterns: () => [],
    currentEvent: () => null,
    models,
    options,
  });
  return { bus, written, health, pipeline };
}

describe('movement features', () => {
  it('see a bounce on every beat as locked to the beat, at its phase, and off-tempo movement as not', () => {
    const rate = 50;
    const bounce = (hz: number, phase: number) =>
      Float32Array.from({ length: rate * 4 * 3 }, (_, i) =>
        i % 3 === 2 ? 1 + 0.3 * Math.cos(2 * Math.PI * hz * (Math.floor(i / 3) / rate) + phase) : 0,
      );
    const on = movementFeatures(bounce(2, 0.5), rate, 0, 2);
    expect(on.beatLock).toBeGreaterThan(0.95);
    expect(on.beatPhase).toBeCloseTo(0.5, 1);
    expect(on.frequencyHz).toBeCloseTo(2, 0);
    expect(on.intensity).toBeCloseTo(0.3 / Math.SQRT2, 2);
    expect(movementFeatures(bounce(2.9, 0), rate, 0, 2).beatLock).toBeLessThan(0.2);
  });
});

describe('pipeline', () => {
  it('scores 24 simulated dancers in one batch every 10 s and follows the crowd: energy with the mood, beat synchrony with the tempo', async () => {
    const models = await loadPipelineModels(new HealthRegistry());
    const mc = manualClock(1_800_000_000_000);
    let pipelineBpm = 128;
    const r = rig(models, mc.now, () => ({ bpm: pipelineBpm, originS: 0 }));
    const venue = new SimulatedVenueDriver(
      { dancers: 24, seed: 3, imuRateHz: 50, bpm: 128, mood: 0.1 },
      { emit: (s) => r.pipeline.ingest(s), announce: () => undefined, health: r.health },
      mc.clock,
    );
    await venue.start(new AbortController().signal);
    const crowd = (): CrowdRow => {
      r.pipeline.crowdTick();
      return r.written.filter((w) => w.t === 'crowd').at(-1)!.row;
    };
    for (let s = 1; s <= 120; s++) {
      mc.step(1000);
      if (s % 10 === 0) await r.pipeline.arousalTick();
    }
    const calm = crowd();
    const inferences = r.written.filter((w) => w.t === 'inference').map((w) => w.row);
    expect(r.pipeline.stats.arousalBatches).toBe(12);
    expect(inferences).toHaveLength(12 * 24);
    expect(new Set(inferences.map((i) => i.deviceKey)).size).toBe(24);
    for (const i of inferences) {
      expect(i.value).toBeGreaterThanOrEqual(0);
      expect(i.value).toBeLessThanOrEqual(1);
      expect(i.inputs).toHaveLength(AROUSAL_INPUTS.length);
    }
    expect(calm).toMatchObject({ activeDancers: 24, bpm: 128 });
    expect(calm.arousal).not.toBeNull();
    expect(calm.beatSynchrony!).toBeGreaterThan(0.5);
    venue.setMood(0.95);
    for (let s = 0; s < 20; s++) mc.step(1000);
    const wild = crowd();
    expect(wild.energy!).toBeGreaterThan(calm.energy! + 0.1);
    // The pipeline's beat no longer matches the music the dancers hear: synchrony collapses.
    pipelineBpm = 97;
    const offBeat = crowd();
    expect(offBeat.beatSynchrony!).toBeLessThan(0.3);
    await venue.stop();
    await models.arousal?.close();
    await models.gesture?.close();
  });

  it.skipIf(!hasData)(
    `runs on a real E4 recording replayed in its own time${hasData ? '' : ` (skipped: ${noDataReason})`}`,
    async () => {
      const models = await loadPipelineModels(new HealthRegistry());
      const { events } = await loadE4Folder(dataFile('physio', 'flirt', 'empatica'), 'e4-flirt');
      const t0 = 1_800_000_000_000;
      let now = t0;
      const r = rig(
        models,
        () => now,
        () => undefined,
      );
      let next = 0;
      for (let ms = 0; ms <= 10 * 60_000; ms += 1000) {
        now = t0 + ms;
        while (next < events.length && events[next]!.at <= ms)
          r.pipeline.ingest(events[next++]!.make(t0 + events[next - 1]!.at));
        if (ms % 10_000 === 0 && ms > 0) await r.pipeline.arousalTick();
        r.pipeline.crowdTick();
      }
      const arousal = r.written.filter((w) => w.t === 'inference').map((w) => w.row.value);
      expect(arousal.length).toBeGreaterThanOrEqual(55);
      expect(Math.min(...arousal)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...arousal)).toBeLessThanOrEqual(1);
      expect(new Set(arousal.map((v) => v.toFixed(3))).size).toBeGreaterThan(10); // it moves with the recording
      const last = r.written.filter((w) => w.t === 'crowd').at(-1)!.row;
      expect(last.arousal?.mean).toBeGreaterThanOrEqual(0);
      expect(last.bpm).toBeNull();
      await models.arousal?.close();
      await models.gesture?.close();
    },
  );

  it('stores inferences and crowd states with their outbox entries, and skips a stage still busy', async () => {
    const path = join(tempDir(), 'codance.db');
    const store = new Store({ path, batchMs: 10, maxBatchRows: 1000, chunkMs: 1000 });
    await store.start();
    const slow: PipelineModels = {
      arousal: {
        name: 'slow',
        inputWidth: AROUSAL_INPUTS.length,
        outputWidth: 1,
        run: (_x, n) => new Promise((res) => setTimeout(() => res(new Float32Array(n).fill(0.7)), 50)),
        close: () => Promise.resolve(),
      },
    };
    const bus = new Bus(() => undefined);
    const health = new HealthRegistry();
    const now = Date.now();
    const pipeline = new Pipeline({
      bus,
      write: (op) => store.writeDerived(op),
      health,
      now: () => now,
      tempo: () => ({ bpm: 120, originS: 0 }),
      patterns: () => [],
      currentEvent: () => null,
      models: slow,
      options,
    });
    for (let i = 0; i < 60; i++) {
      const s: Sample = {
        kind: 'eda',
        deviceKey: 'band-x',
        receivedAt: now - 59_000 + i * 1000,
        index: i,
        value: 2 + i / 100,
      };
      pipeline.ingest(s);
      pipeline.ingest({
        kind: 'heart_rate',
        deviceKey: 'band-x',
        receivedAt: now - 59_000 + i * 1000,
        index: i,
        bpm: 120,
        rr1024: [512],
      });
    }
    const first = pipeline.run('arousal', () => pipeline.arousalTick());
    await pipeline.run('arousal', () => pipeline.arousalTick()); // still busy: skipped and counted
    await first;
    pipeline.crowdTick();
    store.flush();
    expect(pipeline.stats.skippedTicks.arousal).toBe(1);
    expect(health.get('pipeline')?.errors?.skipped_arousal).toBe(1);
    const db = new BetterSqlite3(path, { readonly: true });
    const inf = db.prepare('SELECT model, value, inputs FROM inferences').all() as {
      model: string;
      value: number;
      inputs: string;
    }[];
    expect(inf).toHaveLength(1);
    expect(inf[0]).toMatchObject({ model: 'arousal' });
    expect(inf[0]!.value).toBeCloseTo(0.7, 5);
    expect(JSON.parse(inf[0]!.inputs)).toHaveLength(AROUSAL_INPUTS.length);
    expect((db.prepare('SELECT COUNT(*) AS n FROM crowd_states').get() as { n: number }).n).toBe(1);
    expect(
      (
        db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE entity IN ('inferences', 'crowd_states')").get() as {
          n: number;
        }
      ).n,
    ).toBe(2);
    db.close();
    await store.stop();
  });

  it('forgets a wristband silent for ten minutes, so its state stays bounded', () => {
    let now = 1_800_000_000_000;
    const r = rig(
      {},
      () => now,
      () => undefined,
    );
    r.pipeline.ingest({ kind: 'eda', deviceKey: 'band-gone', receivedAt: now, index: 0, value: 2 });
    r.pipeline.crowdTick();
    expect(r.pipeline.dancers.has('band-gone')).toBe(true);
    now += 10 * 60_000 + 1;
    r.pipeline.crowdTick();
    expect(r.pipeline.dancers.has('band-gone')).toBe(false);
  });
});
