/**
 * The store's write path. Samples are queued in memory and written in transactions of at most
 * `maxBatchRows` rows every `batchMs` (≤100 ms), or sooner when that many rows wait; the rows
 * themselves, their outbox entries and the consent checks are the `RowWriter`'s.
 *
 * When the disk refuses a write (full, I/O error) the box must keep serving: the failed batch
 * goes back to the queue, nothing is retried from `enqueue`, and the timer tries one batch again
 * at most every RETRY_MS. The queue is bounded per class (raw streams hold far more bytes per
 * row than features), and what does not fit, or what the disk guard sheds, is dropped
 * oldest-first and counted per stream, so a dead disk can neither exhaust memory nor freeze
 * the event loop that drives the outputs and the API.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { DeviceDirectory } from './devices.js';
import { RowWriter, type WriteOp } from './row-writer.js';

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
  private readonly stats: Omit<WriterStats, 'queued' | 'withheldNoConsent' | 'localOnly'> = {
    rowsWritten: 0,
    batches: 0,
    lastFlushAt: null,
    lastFlushMs: null,
    failedFlushes: 0,
    lostSamples: 0,
    lostByStream: {},
    failing: false,
    lastError: null,
  };
  private readonly rows: RowWriter;

  constructor(
    sqlite: BetterSqlite3.Database,
    private readonly devices: DeviceDirectory,
    private readonly maxBatchRows: number,
    private readonly now: () => number = Date.now,
    /** Told when writes start failing (with the reason) and when they succeed again. */
    private readonly onFailing: (failing: boolean, reason: string | null) => void = () => undefined,
  ) {
    this.rows = new RowWriter(sqlite, devices, now);
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

  /** The disk has room again (the guard says so): the next tick tries at once, not after the paced wait. */
  retrySoon(): void {
    this.retryAt = 0;
  }

  /** Counts what is still queued as lost (shutdown on a disk that refuses writes). */
  abandon(): number {
    const n = this.queuedRows();
    for (const q of Object.values(this.queues)) for (const op of q.splice(0)) this.lose(op);
    return n;
  }

  snapshot(): WriterStats {
    return {
      ...this.stats,
      ...this.rows.counts,
      lostByStream: { ...this.stats.lostByStream },
      queued: this.queuedRows(),
    };
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
        const rows = this.rows.writeBatch(batch);
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
}
