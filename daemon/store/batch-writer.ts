/**
 * The store's write path. Samples are queued in memory and written in transactions of at most
 * `maxBatchRows` rows every `batchMs` (≤100 ms), or sooner when that many rows wait. Each row
 * that must reach the cloud gets its outbox entry in the same transaction, so a row is never
 * stored without being queued for sync, nor queued without being stored.
 *
 * Consent is applied here too, before anything is stored or queued for sync (the consent gate
 * in front of the bus already keeps a non-consenting wearer's biometrics from every output):
 * biometrics (HR, EDA, temperature, ECG and PPG chunks, arousal) from a device worn by a dancer
 * who has not consented are withheld and counted; from a consenting wearer they are stored
 * with the dancer and event of the device's assignment. A consenting wearer's biometrics get
 * an outbox entry only if they also consented to cloud sync: without it they stay on the box
 * (`localOnly`), and nothing the sync client could ever read names them.
 *
 * When the disk refuses a write (full, I/O error) the box must keep serving: the failed batch
 * goes back to the queue, nothing is retried from `enqueue`, and the timer tries one batch again
 * at most every RETRY_MS. The queue is bounded per class (raw streams hold far more bytes per
 * row than features), and what does not fit, or what the disk guard sheds, is dropped
 * oldest-first and counted per stream, so a dead disk can neither exhaust memory nor freeze
 * the event loop that drives the outputs and the API.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { ScalarSample } from '../../drivers/sample.js';
import type { Chunk } from './chunker.js';
import type { DeviceDirectory } from './devices.js';

/** One model output for one dancer's device (arousal), with the inputs it was given. */
export interface InferenceRow {
  deviceKey: string;
  at: number;
  model: string;
  value: number;
  inputs: number[];
}

/** The whole floor at one moment (daemon/pipeline/crowd-state.ts). */
export interface CrowdRow {
  at: number;
  eventId: number | null;
  bpm: number | null;
  activeDancers: number;
  energy: number | null;
  arousal: { mean: number; p10: number; p50: number; p90: number; highShare: number } | null;
  beatSynchrony: number | null;
  interSynchrony: number | null;
  density: number | null;
}

export interface DetectionRow {
  deviceKey: string;
  patternId: number;
  at: number;
  confidence: number;
}

/** A sound or visualization event a mapping rule made (the platform's output records). */
export interface OutputEventRow {
  kind: 'sound' | 'visualization';
  eventId: number | null;
  at: number;
  type: string;
  intensity: number | null;
  durationMs: number | null;
  parameters: Record<string, unknown>;
}

export type WriteOp =
  | { t: 'scalar'; sample: ScalarSample }
  | { t: 'chunk'; chunk: Chunk }
  | { t: 'inference'; row: InferenceRow }
  | { t: 'crowd'; row: CrowdRow }
  | { t: 'detection'; row: DetectionRow }
  | { t: 'output'; row: OutputEventRow };

/** What the disk guard may shed, in that order: raw streams (IMU, ECG, PPG chunks), then features (everything else the writer stores). */
export type WriteClass = 'raw' | 'features';

export interface WriterStats {
  queued: number;
  rowsWritten: number;
  batches: number;
  lastFlushAt: number | null;
  lastFlushMs: number | null;
  failedFlushes: number;
  /** Samples that were never stored: shed by the disk guard, or dropped while the disk refused writes. */
  lostSamples: number;
  /** The same, per stream (`acc`, `heart_rate`, `inference`, ...). */
  lostByStream: Record<string, number>;
  /** Biometric samples not stored because their wearer has not consented. */
  withheldNoConsent: number;
  /** Biometric rows stored but not enqueued for sync: the wearer has not consented to cloud sync. */
  localOnly: number;
  /** True while the last write attempt failed (`lastError` says why). */
  failing: boolean;
  lastError: string | null;
}

/** Raw streams that are biometrics (consent-gated); acc and gyro are movement. */
const BIOMETRIC_STREAMS = new Set(['ecg', 'ppg']);

/** Queue bounds, in batches' worth of rows, while the disk refuses writes. */
const MAX_QUEUED_BATCHES: Record<WriteClass, number> = { raw: 2, features: 20 };
/** A failing disk is tried again with one batch at most this often. */
export const RETRY_MS = 1000;
/** At most this many batches per tick, so a backlog never holds the event loop for long. */
const BATCHES_PER_TICK = 4;

export function classOf(op: WriteOp): WriteClass {
  return op.t === 'chunk' ? 'raw' : 'features';
}

/** The stream a queued op belongs to, and how many samples it holds (for loss counts). */
function streamOf(op: WriteOp): [string, number] {
  switch (op.t) {
    case 'chunk':
      return [op.chunk.stream, op.chunk.sampleCount];
    case 'scalar':
      return [op.sample.kind, 1];
    case 'output':
      return [`${op.row.kind}_event`, 1];
    case 'inference':
    case 'crowd':
    case 'detection':
      return [op.t, 1];
  }
}

export class BatchWriter {
  private readonly queues: Record<WriteClass, WriteOp[]> = { raw: [], features: [] };
  private readonly shedding: Record<WriteClass, boolean> = { raw: false, features: false };
  private retryAt = 0;
  private readonly stats: WriterStats = { queued: 0, rowsWritten: 0, batches: 0, lastFlushAt: null, lastFlushMs: null, failedFlushes: 0, lostSamples: 0, lostByStream: {}, withheldNoConsent: 0, localOnly: 0, failing: false, lastError: null };
  private readonly insertBio: BetterSqlite3.Statement;
  private readonly insertChunk: BetterSqlite3.Statement;
  private readonly updateBattery: BetterSqlite3.Statement;
  private readonly insertOutbox: BetterSqlite3.Statement;
  private readonly insertInference: BetterSqlite3.Statement;
  private readonly insertCrowd: BetterSqlite3.Statement;
  private readonly insertDetection: BetterSqlite3.Statement;
  private readonly insertSound: BetterSqlite3.Statement;
  private readonly insertVisual: BetterSqlite3.Statement;
  private readonly writeBatch: (ops: WriteOp[]) => number;

  constructor(
    sqlite: BetterSqlite3.Database,
    private readonly devices: DeviceDirectory,
    private readonly maxBatchRows: number,
    private readonly now: () => number = Date.now,
    /** Told when writes start failing (with the reason) and when they succeed again. */
    private readonly onFailing: (failing: boolean, reason: string | null) => void = () => undefined,
  ) {
    this.insertBio = sqlite.prepare(
      `INSERT INTO biometric_data (device_id, user_id, event_id, recorded_at, stream_index, heart_rate, rr_1024, sensor_contact, energy_kj, gsr_us, skin_temp_c, source)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertChunk = sqlite.prepare(
      `INSERT INTO stream_chunks (device_id, event_id, stream, started_at, first_index, rate_hz, channels, sample_count, data)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.updateBattery = sqlite.prepare('UPDATE devices SET battery_pct = ?, last_seen_at = ? WHERE id = ?');
    this.insertOutbox = sqlite.prepare(`INSERT INTO outbox (entity, entity_id, op, created_at) VALUES (?, ?, 'upsert', ?)`);
    this.insertInference = sqlite.prepare('INSERT INTO inferences (device_id, user_id, event_id, at, model, value, inputs) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.insertCrowd = sqlite.prepare(
      `INSERT INTO crowd_states (event_id, at, bpm, active_dancers, energy, arousal_mean, arousal_p10, arousal_p50, arousal_p90, arousal_high_share, beat_synchrony, inter_synchrony, density)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertDetection = sqlite.prepare('INSERT INTO detected_patterns (event_id, pattern_id, user_id, detected_at, confidence) VALUES (?, ?, ?, ?, ?)');
    this.insertSound = sqlite.prepare('INSERT INTO sound_events (event_id, occurred_at, sound_type, parameters, duration_ms, intensity) VALUES (?, ?, ?, ?, ?, ?)');
    this.insertVisual = sqlite.prepare('INSERT INTO visualization_events (event_id, occurred_at, viz_type, parameters, duration_ms, intensity) VALUES (?, ?, ?, ?, ?, ?)');
    this.writeBatch = sqlite.transaction((ops: WriteOp[]) => {
      const t = this.now();
      for (const op of ops) this.writeOne(op, t);
      return ops.length;
    });
  }

  enqueue(op: WriteOp): void {
    const cls = classOf(op);
    if (this.shedding[cls]) {
      this.lose(op);
      return;
    }
    const queue = this.queues[cls];
    queue.push(op);
    const limit = this.maxBatchRows * MAX_QUEUED_BATCHES[cls];
    if (queue.length > limit) this.lose(queue.shift()!);
    // Flush early under a burst, but never from here while the disk refuses writes: that is
    // what the timer's paced retry is for.
    if (!this.stats.failing && this.queuedRows() >= this.maxBatchRows) this.write(1);
  }

  /** The timer's tick: a few batches, or one paced retry while the disk refuses writes. */
  tick(): void {
    if (this.stats.failing && this.now() < this.retryAt) return;
    this.write(this.stats.failing ? 1 : BATCHES_PER_TICK);
  }

  /** Writes everything queued now (tests and shutdown). Never throws: stops at the first failure. */
  flush(): void {
    this.write(Infinity);
  }

  /** The disk guard's decision: while a class is shed, its samples are counted and not stored. */
  shed(cls: WriteClass, on: boolean): void {
    this.shedding[cls] = on;
    if (on) for (const op of this.queues[cls].splice(0)) this.lose(op);
  }

  /** Counts what is still queued as lost (shutdown on a disk that refuses writes). */
  abandon(): number {
    const n = this.queuedRows();
    for (const q of Object.values(this.queues)) for (const op of q.splice(0)) this.lose(op);
    return n;
  }

  snapshot(): WriterStats {
    return { ...this.stats, lostByStream: { ...this.stats.lostByStream }, queued: this.queuedRows() };
  }

  private queuedRows(): number {
    return this.queues.raw.length + this.queues.features.length;
  }

  private lose(op: WriteOp): void {
    const [stream, n] = streamOf(op);
    this.stats.lostSamples += n;
    this.stats.lostByStream[stream] = (this.stats.lostByStream[stream] ?? 0) + n;
  }

  /** Features go first: they are smaller and worth more per byte than raw streams. */
  private take(): WriteOp[] {
    const f = this.queues.features.splice(0, this.maxBatchRows);
    return f.length < this.maxBatchRows ? f.concat(this.queues.raw.splice(0, this.maxBatchRows - f.length)) : f;
  }

  private putBack(batch: WriteOp[]): void {
    const raw: WriteOp[] = [];
    const features: WriteOp[] = [];
    for (const op of batch) (classOf(op) === 'raw' ? raw : features).push(op);
    this.queues.raw = raw.concat(this.queues.raw);
    this.queues.features = features.concat(this.queues.features);
    for (const cls of ['raw', 'features'] as const) {
      const over = this.queues[cls].length - this.maxBatchRows * MAX_QUEUED_BATCHES[cls];
      if (over > 0) for (const op of this.queues[cls].splice(0, over)) this.lose(op);
    }
  }

  private write(maxBatches: number): void {
    for (let n = 0; n < maxBatches && this.queuedRows() > 0; n++) {
      const batch = this.take();
      const started = performance.now();
      try {
        const rows = this.writeBatch(batch);
        this.devices.committed();
        this.stats.rowsWritten += rows;
        this.stats.batches++;
        this.stats.lastFlushAt = this.now();
        this.stats.lastFlushMs = performance.now() - started;
      } catch (err) {
        this.devices.rolledBack();
        this.stats.failedFlushes++;
        this.stats.lastError = err instanceof Error ? err.message : String(err);
        this.retryAt = this.now() + RETRY_MS;
        this.putBack(batch);
        if (!this.stats.failing) {
          this.stats.failing = true;
          this.onFailing(true, this.stats.lastError);
        }
        return;
      }
      if (this.stats.failing) {
        this.stats.failing = false;
        this.onFailing(false, null);
      }
    }
  }

  private writeOne(op: WriteOp, t: number): void {
    if (op.t === 'inference' || op.t === 'crowd' || op.t === 'detection') {
      this.writeDerived(op, t);
      return;
    }
    if (op.t === 'output') {
      const o = op.row;
      const table = o.kind === 'sound' ? 'sound_events' : 'visualization_events';
      const r = (o.kind === 'sound' ? this.insertSound : this.insertVisual).run(o.eventId, Math.round(o.at), o.type, JSON.stringify(o.parameters), o.durationMs, o.intensity);
      this.insertOutbox.run(table, r.lastInsertRowid, t);
      return;
    }
    if (op.t === 'chunk') {
      const c = op.chunk;
      const deviceId = this.devices.lookup(c.deviceKey).id;
      const wearer = this.devices.wearer(deviceId);
      if (wearer && !wearer.consent && BIOMETRIC_STREAMS.has(c.stream)) {
        this.stats.withheldNoConsent += c.sampleCount;
        return;
      }
      const r = this.insertChunk.run(deviceId, wearer?.eventId ?? null, c.stream, Math.round(c.startedAt), c.firstIndex, c.rateHz, c.channels, c.sampleCount, c.data);
      if (wearer && !wearer.cloud && BIOMETRIC_STREAMS.has(c.stream)) this.stats.localOnly++;
      else this.insertOutbox.run('stream_chunks', r.lastInsertRowid, t);
      return;
    }
    const s = op.sample;
    const device = this.devices.lookup(s.deviceKey);
    if (s.kind === 'battery') {
      this.updateBattery.run(s.percent, s.receivedAt, device.id);
      return;
    }
    const wearer = this.devices.wearer(device.id);
    if (wearer && !wearer.consent) {
      this.stats.withheldNoConsent++;
      return;
    }
    // Positional binding: better-sqlite3 binds arrays faster than named-parameter objects.
    let heartRate: number | null = null;
    let rr: string | null = null;
    let contact: number | null = null;
    let energyKj: number | null = null;
    let gsr: number | null = null;
    let temp: number | null = null;
    switch (s.kind) {
      case 'heart_rate':
        heartRate = s.bpm;
        rr = s.rr1024.length > 0 ? JSON.stringify(s.rr1024) : null;
        contact = s.contact === undefined ? null : s.contact ? 1 : 0;
        energyKj = s.energyKj ?? null;
        break;
      case 'eda':
        gsr = s.microsiemens;
        break;
      case 'skin_temp':
        temp = s.celsius;
        break;
    }
    const r = this.insertBio.run(device.id, wearer?.userId ?? null, wearer?.eventId ?? null, s.receivedAt, s.index, heartRate, rr, contact, energyKj, gsr, temp, device.simulated ? 'sim' : 'sensor');
    if (wearer && !wearer.cloud) this.stats.localOnly++;
    else this.insertOutbox.run('biometric_data', r.lastInsertRowid, t);
  }

  /** Model outputs: an inference is derived biometrics, so the wearer's consent applies to it too. */
  private writeDerived(op: Extract<WriteOp, { t: 'inference' | 'crowd' | 'detection' }>, t: number): void {
    if (op.t === 'crowd') {
      const c = op.row;
      const a = c.arousal;
      const r = this.insertCrowd.run(c.eventId, c.at, c.bpm, c.activeDancers, c.energy, a?.mean ?? null, a?.p10 ?? null, a?.p50 ?? null, a?.p90 ?? null, a?.highShare ?? null, c.beatSynchrony, c.interSynchrony, c.density);
      this.insertOutbox.run('crowd_states', r.lastInsertRowid, t);
      return;
    }
    const device = this.devices.lookup(op.row.deviceKey);
    const wearer = this.devices.wearer(device.id);
    if (op.t === 'inference') {
      if (wearer && !wearer.consent) {
        this.stats.withheldNoConsent++;
        return;
      }
      const i = op.row;
      const r = this.insertInference.run(device.id, wearer?.userId ?? null, wearer?.eventId ?? null, i.at, i.model, i.value, JSON.stringify(i.inputs.map((v) => Math.round(v * 1000) / 1000)));
      if (wearer && !wearer.cloud) this.stats.localOnly++;
      else this.insertOutbox.run('inferences', r.lastInsertRowid, t);
      return;
    }
    const d = op.row;
    const r = this.insertDetection.run(wearer?.eventId ?? null, d.patternId, wearer?.userId ?? null, d.at, Math.min(1, Math.max(0, d.confidence)));
    this.insertOutbox.run('detected_patterns', r.lastInsertRowid, t);
  }
}
