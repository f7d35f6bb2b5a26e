/**
 * The local intelligence as the daemon runs it: the models loaded (health says which), the
 * learned patterns as a cached read refreshed when one is learned or removed, and the
 * pipeline on the bus, writing its outputs through the store.
 */
import type { Config } from '../../config/index.js';
import type { HealthRegistry } from '../../drivers/health/registry.js';
import type { Bus } from '../bus.js';
import type { Teardowns } from '../lifecycle.js';
import type { Logger } from '../logger.js';
import { CachedRead } from '../store/cached-read.js';
import type { Store } from '../store/store.js';
import { teacherFor, type GestureTeacher } from '../../models/patterns/learn.js';
import { loadPipelineModels } from './models.js';
import { loadPatterns, type DetectablePattern } from './pattern-store.js';
import { Pipeline } from './pipeline.js';

export interface PipelineServiceDeps {
  config: Config['pipeline'];
  bus: Bus;
  store: Store;
  health: HealthRegistry;
  log: Logger;
  now: () => number;
  tempo: () => { bpm: number; originS: number } | undefined;
  currentEvent: () => number | null;
}

export async function startPipeline(
  deps: PipelineServiceDeps,
  signal: AbortSignal,
  teardowns: Teardowns,
): Promise<{ pipeline: Pipeline; gestureTeacher: GestureTeacher | undefined }> {
  const { config, bus, store, health, log, now } = deps;
  const models = await loadPipelineModels(health, config.arousalRuntime);
  const sqlite = store.sqlite;
  const patterns = new CachedRead<DetectablePattern[]>(() => loadPatterns(sqlite, models.gesture?.projection), {
    bus,
    tables: ['movement_patterns'],
    ttlMs: 10_000,
    now,
  });
  const { enabled: _enabled, arousalRuntime: _runtime, ...options } = config;
  const pipeline = new Pipeline({
    bus,
    write: (op) => store.writeDerived(op),
    health,
    now,
    tempo: deps.tempo,
    patterns: () => patterns.get(),
    currentEvent: deps.currentEvent,
    models,
    options,
  });
  // Released after the pipeline stops (teardowns run newest first).
  teardowns.add('pipeline:models', async () => {
    patterns.close();
    await models.arousal?.close();
    await models.gesture?.close();
  });
  await teardowns.start(pipeline, signal);
  log.info({ arousal: models.arousal !== undefined, gesture: models.gesture !== undefined }, 'pipeline started');
  return { pipeline, gestureTeacher: models.gesture ? teacherFor(models.gesture) : undefined };
}
