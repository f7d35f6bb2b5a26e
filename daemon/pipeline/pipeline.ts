/**
 * The local intelligence: samples from the bus go into bounded per-dancer buffers (the hot
 * path does nothing else); timers then turn them into features, batched model outputs and the
 * crowd state, which are stored and put on the bus.
 *
 * - every `arousalEveryS` (the model's window hop): physio features per dancer, normalised
 *   against that dancer's history, scored in one batch by the arousal model;
 * - `crowdHz` times a second: movement features per dancer against the beat, then the crowd state;
 * - every `patternEveryMs`: each active dancer's latest window against the learned patterns,
 *   embedded in one batch by the gesture model.
 *
 * A stage whose previous run is still busy skips its turn and counts it (back-pressure),
 * rather than queueing work without bound.
 */
import { STEP_S, WINDOW_S } from '../../models/arousal/inputs.js';
import { GESTURE_FEATURE_COUNT, gestureFeatures } from '../../models/features/gesture.js';
import { movementFeatures } from '../../models/features/movement.js';
import { physioFeatures } from '../../models/features/physio.js';
import { classify, NONE_AT } from '../../models/patterns/prototypes.js';
import type { BatchModel } from '../../models/runtime/batch-model.js';
import type { GestureModel } from '../../models/patterns/gesture-model.js';
import type { HealthReporter } from '../../drivers/health/registry.js';
import type { Sample } from '../../config/signals.js';
import type { Bus } from '../bus.js';
import type { CrowdRow, DetectionRow, InferenceRow } from '../bus-events.js';
import type { WriteOp } from '../store/row-writer.js';
import { crowdState, type CrowdOptions } from '../../models/crowd/crowd-state.js';
import { Dancer } from '../../models/crowd/dancer.js';
import type { DetectablePattern } from './pattern-store.js';

/** A dancer with no sample for this long is forgotten (its normalisation history with it). */
const FORGET_AFTER_MS = 10 * 60_000;

export interface PipelineModels {
  arousal?: BatchModel;
  gesture?: GestureModel;
}

export interface PipelineOptions extends CrowdOptions {
  crowdHz: number;
  movementWindowS: number;
  patternEveryMs: number;
  /** A pattern is reported at this confidence or above. */
  patternConfidence: number;
}

export interface PipelineDeps {
  bus: Bus;
  write(op: Extract<WriteOp, { t: 'inference' | 'crowd' | 'detection' }>): void;
  health: HealthReporter;
  now: () => number;
  /** The music's tempo now (bpm) and the time (s, wall clock) of a beat, when known. */
  tempo: () => { bpm: number; originS: number } | undefined;
  patterns: () => DetectablePattern[];
  currentEvent: () => number | null;
  models: PipelineModels;
  options: PipelineOptions;
}

export interface PipelineStats {
  samples: number;
  arousalBatches: number;
  arousalRows: number;
  crowdStates: number;
  detections: number;
  skippedTicks: Record<string, number>;
  /** ms of the last model call per stage */
  lastModelMs: Record<string, number>;
}

export class Pipeline {
  readonly name = 'pipeline';
  readonly dancers = new Map<string, Dancer>();
  readonly stats: PipelineStats = {
    samples: 0,
    arousalBatches: 0,
    arousalRows: 0,
    crowdStates: 0,
    detections: 0,
    skippedTicks: {},
    lastModelMs: {},
  };
  private timers: NodeJS.Timeout[] = [];
  private unsubscribe: (() => void) | undefined;
  private readonly busy = new Set<string>();
  /** Called with each crowd state (the bench measures sample→state latency through it). */
  onCrowd: ((row: CrowdRow) => void) | undefined;

  constructor(private readonly deps: PipelineDeps) {}

  start(_signal?: AbortSignal): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.deps.bus.on('sample', (s) => this.ingest(s));
    const every = (ms: number, stage: string, fn: () => Promise<void> | void): void => {
      this.timers.push(setInterval(() => void this.run(stage, fn), ms));
    };
    every(STEP_S * 1000, 'arousal', () => this.arousalTick());
    every(1000 / this.deps.options.crowdHz, 'crowd', () => this.crowdTick());
    every(this.deps.options.patternEveryMs, 'patterns', () => this.patternTick());
    this.deps.health.report('pipeline', { type: 'subsystem', state: 'connected', detail: this.describeModels() });
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.deps.health.report('pipeline', { state: 'stopped' });
  }

  ingest(s: Sample): void {
    this.stats.samples++;
    let d = this.dancers.get(s.deviceKey);
    if (!d) this.dancers.set(s.deviceKey, (d = new Dancer(s.deviceKey)));
    d.ingest(s);
  }

  private describeModels(): string {
    const m = this.deps.models;
    return `models: arousal ${m.arousal ? 'loaded' : 'unavailable'}, gesture ${m.gesture ? 'loaded' : 'unavailable'}`;
  }

  /** Runs a stage unless its previous run is still going (then the turn is skipped and counted). */
  async run(stage: string, fn: () => Promise<void> | void): Promise<void> {
    if (this.busy.has(stage)) {
      this.stats.skippedTicks[stage] = (this.stats.skippedTicks[stage] ?? 0) + 1;
      this.deps.health.countError('pipeline', `skipped_${stage}`);
      return;
    }
    this.busy.add(stage);
    try {
      await fn();
    } catch (err) {
      this.deps.health.countError('pipeline', `${stage}_failed`);
      this.deps.health.report('pipeline', { lastError: `${stage}: ${(err as Error).message}` });
    } finally {
      this.busy.delete(stage);
    }
  }

  /** Physio features → person-normalised → one batch through the arousal model. */
  async arousalTick(): Promise<void> {
    const model = this.deps.models.arousal;
    if (!model) return;
    const nowS = this.deps.now() / 1000;
    const rows: { d: Dancer; z: Float32Array }[] = [];
    for (const d of this.dancers.values()) {
      const from = nowS - WINDOW_S;
      const eda = d.eda.between(from, nowS);
      const hr = d.hr.between(from, nowS);
      // A dancer with no physiology in the window (an IMU-only band) is not scored.
      if (eda.v.length < 8 && hr.v.length < 3) continue;
      const f = physioFeatures({
        eda,
        hr,
        temp: d.temp.between(from, nowS),
        rrMs: d.rr.between(from, nowS).v,
        seconds: WINDOW_S,
      });
      rows.push({ d, z: d.norm.push(f) });
    }
    if (rows.length === 0) return;
    const x = new Float32Array(rows.length * model.inputWidth);
    rows.forEach((r, i) => x.set(r.z, i * model.inputWidth));
    const started = performance.now();
    const out = await model.run(x, rows.length);
    this.stats.lastModelMs.arousal = performance.now() - started;
    this.stats.arousalBatches++;
    const at = this.deps.now();
    rows.forEach((r, i) => {
      const value = out[i]!;
      r.d.arousal = { value, at };
      const row: InferenceRow = { deviceKey: r.d.key, at, model: 'arousal', value, inputs: Array.from(r.z) };
      this.deps.write({ t: 'inference', row });
      this.deps.bus.emit('inference', row);
    });
    this.stats.arousalRows += rows.length;
  }

  /** Movement against the beat for every dancer, then the crowd state. */
  crowdTick(): void {
    const now = this.deps.now();
    const tempo = this.deps.tempo();
    const o = this.deps.options;
    for (const [key, d] of this.dancers) {
      // A wristband silent for this long has left: forget its buffers, so a long night with
      // wearables coming and going keeps a bounded state.
      if (now - d.lastSampleAt > FORGET_AFTER_MS) {
        this.dancers.delete(key);
        continue;
      }
      if (d.acc.size < 8 || now / 1000 - d.acc.lastTime > o.activeWithinMs / 1000) continue;
      const { xyz, startS } = d.acc.last(o.movementWindowS);
      d.movement = {
        ...movementFeatures(xyz, d.acc.rateHz, startS, (tempo?.bpm ?? 0) / 60, tempo?.originS ?? 0),
        at: now,
      };
    }
    const row = crowdState(this.dancers.values(), now, tempo?.bpm ?? null, this.deps.currentEvent(), o);
    this.deps.write({ t: 'crowd', row });
    this.deps.bus.emit('crowd', row);
    this.stats.crowdStates++;
    this.onCrowd?.(row);
  }

  /** Each active dancer's latest window of each pattern's length, embedded in one batch and matched. */
  async patternTick(): Promise<void> {
    const model = this.deps.models.gesture;
    const patterns = this.deps.patterns();
    if (!model || patterns.length === 0) return;
    const now = this.deps.now();
    // One window per dancer, as long as the longest pattern (or as much as is buffered, if at
    // least half of that): gesture features describe a whole gesture, whatever its length.
    const windowS = Math.max(...patterns.map((p) => p.durationS));
    const cands: Dancer[] = [];
    const feats: Float32Array[] = [];
    for (const d of this.dancers.values()) {
      if (d.acc.size < d.acc.rateHz * windowS * 0.5 || now / 1000 - d.acc.lastTime > 2) continue;
      const { xyz } = d.acc.last(windowS);
      cands.push(d);
      feats.push(gestureFeatures(xyz, d.acc.rateHz));
    }
    if (cands.length === 0) return;
    const x = new Float32Array(cands.length * GESTURE_FEATURE_COUNT);
    feats.forEach((f, i) => x.set(f, i * GESTURE_FEATURE_COUNT));
    const started = performance.now();
    const emb = await model.run(x, cands.length);
    this.stats.lastModelMs.gesture = performance.now() - started;
    cands.forEach((d, i) => {
      // Pattern names are unique (a column constraint), so the match names its pattern.
      const match = classify(emb, patterns, model.radius2, { noneAt: NONE_AT, offset: i * model.outputWidth });
      if (!match || match.confidence < this.deps.options.patternConfidence) return;
      const pattern = patterns.find((p) => p.name === match.name)!;
      if ((d.cooldowns.get(pattern.id) ?? 0) > now) return;
      d.cooldowns.set(pattern.id, now + pattern.durationS * 1000);
      const row: DetectionRow = { deviceKey: d.key, patternId: pattern.id, at: now, confidence: match.confidence };
      this.deps.write({ t: 'detection', row });
      this.deps.bus.emit('pattern', { ...row, name: pattern.name });
      this.stats.detections++;
    });
  }
}
