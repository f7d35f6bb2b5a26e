/**
 * The sync client: drains the box's outbox to `codance cloud` in batches, and loses nothing.
 *
 * - A batch is filled from the highest-priority class with a backlog (records, then
 *   features, then raw chunks), bounded by records and bytes; it is gzip-compressed.
 * - A small backlog waits until its oldest entry is `maxDelayMs` old, so a trickle becomes
 *   one request every few seconds rather than many tiny ones (time-bounded batches).
 * - The cloud upserts by (box, seq), so a retry after a lost acknowledgement is harmless;
 *   the cursors move only after an acknowledgement, in one transaction, so a crash or a
 *   reboot resumes at the last acknowledged entry.
 * - Failures back off exponentially with full jitter (and honour Retry-After); a bandwidth
 *   cap spaces requests so the uplink is shared with whatever else the venue runs.
 */
import { promisify } from 'node:util';
import { gzip as gzipCb } from 'node:zlib';
import { buildBatch } from './batch-builder.js';
import { entitiesOf, type SyncClass, type SyncEntity } from './contract.js';
import { HttpFailure, postBatch } from './post-batch.js';
import type { OutboxSource } from './outbox-source.js';
import type { SyncState, SyncStatus } from './sync-status.js';

const gzip = promisify(gzipCb);

export interface SyncClientOptions {
  classes: SyncClass[];
  maxBatchRecords: number;
  maxBatchBytes: number;
  maxDelayMs: number;
  /** Compressed bytes per second on the wire; 0 for no cap. */
  maxBytesPerSecond: number;
  backoff: { initialMs: number; maxMs: number };
  requestTimeoutMs: number;
}

export type { SyncState, SyncStatus } from './sync-status.js';

export interface SyncHooks {
  state?: (state: SyncState, detail: string) => void;
  now?: () => number;
  random?: () => number;
  fetch?: typeof fetch;
}

/** After each delivered batch the byte limit grows back by this factor, up to `maxBatchBytes`. */
const GROWTH = 1.25;

/** A batch always holds at least one record, whatever this says. */
const MIN_BATCH_BYTES = 1024;

/** Typical serialised size of one record, per entity, before anything was measured. */
const DEFAULT_RECORD_BYTES = 300;

export class SyncClient {
  readonly name = 'sync';
  private stateValue: SyncState = 'idle';
  private stopped = true;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private abort = new AbortController();
  private failures = 0;
  private lastSuccessAt: number | null = null;
  private lastAttemptAt: number | null = null;
  private lastError: string | null = null;
  private nextAttemptAt: number | null = null;
  private sendAllowedAt = 0;
  private draining = false;
  private batchBytesLimit: number;
  private readonly recordBytes = new Map<SyncEntity, number>();
  private readonly sent = { batches: 0, records: 0, wireBytes: 0, rawBytes: 0, duplicates: 0, skipped: 0 };
  private readonly entities: SyncEntity[];
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly fetchImpl: typeof fetch;
  private backlogCache: { at: number; status: SyncStatus['backlog'] } | undefined;

  constructor(
    private readonly options: SyncClientOptions,
    private readonly source: OutboxSource,
    private readonly hooks: SyncHooks = {},
  ) {
    this.entities = entitiesOf(options.classes);
    this.now = hooks.now ?? (() => Date.now());
    this.random = hooks.random ?? (() => Math.random());
    this.fetchImpl = hooks.fetch ?? ((input, init) => fetch(input, init));
    this.batchBytesLimit = options.maxBatchBytes;
    this.lastSuccessAt = source.lastAckedAt();
  }

  start(_signal?: AbortSignal): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.abort = new AbortController();
    this.loop = this.run();
  }

  /** Stops after the request in flight (aborted); the cursors stay at the last acknowledgement. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.abort.abort();
    this.wake?.();
    await this.loop;
    this.setState('stopped', 'stopped');
  }

  /** Send now, whatever the batching delay or the backoff; `status().draining` stays true until the backlog is empty. */
  syncNow(): void {
    this.draining = true;
    this.nextAttemptAt = null;
    this.wake?.();
  }

  status(): SyncStatus {
    const cred = this.source.credential();
    return {
      state: this.stateValue,
      cloud: cred?.url ?? null,
      classes: this.options.classes,
      backlog: this.backlog(),
      lastSuccessAt: this.lastSuccessAt,
      lastAttemptAt: this.lastAttemptAt,
      lastError: this.lastError,
      consecutiveFailures: this.failures,
      nextAttemptAt: this.nextAttemptAt,
      draining: this.draining,
      sent: { ...this.sent },
    };
  }

  /** The exact backlog for status (counted at most once a second; the send loop counts its own, capped). */
  private backlog(): SyncStatus['backlog'] {
    const t = this.now();
    if (this.backlogCache && t - this.backlogCache.at < 1000) return this.backlogCache.status;
    const b = this.source.backlog(this.entities, this.source.cursors());
    const byClass: Partial<Record<SyncClass, number>> = {};
    let bytes = 0;
    for (const c of this.options.classes) {
      for (const e of entitiesOf([c])) {
        const n = b.byEntity[e] ?? 0;
        if (n === 0) continue;
        byClass[c] = (byClass[c] ?? 0) + n;
        bytes += n * (this.recordBytes.get(e) ?? DEFAULT_RECORD_BYTES);
      }
    }
    const status = {
      entries: b.entries,
      bytes: Math.round(bytes),
      oldestUnsentAgeS: b.oldestAt === null ? null : Math.max(0, (t - b.oldestAt) / 1000),
      byClass,
    };
    this.backlogCache = { at: t, status };
    return status;
  }

  private setState(state: SyncState, detail: string): void {
    this.stateValue = state;
    this.hooks.state?.(state, detail);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      this.wake = done;
    });
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const cred = this.source.credential();
      if (!cred) {
        this.setState('not_enrolled', 'not enrolled with a cloud (codance sync enrol --cloud URL --code CODE)');
        this.draining = false;
        await this.sleep(this.options.maxDelayMs);
        continue;
      }
      // Counted up to one batch per table: enough to decide, cheap with a million entries waiting.
      const backlog = this.source.backlog(this.entities, this.source.cursors(), this.options.maxBatchRecords);
      if (backlog.entries === 0) {
        this.draining = false;
        if (this.stateValue !== 'idle' || this.lastError === null) this.setState('idle', `up to date with ${cred.url}`);
        await this.sleep(this.options.maxDelayMs);
        continue;
      }
      const age = backlog.oldestAt === null ? 0 : this.now() - backlog.oldestAt;
      if (!this.draining && backlog.entries < this.options.maxBatchRecords && age < this.options.maxDelayMs) {
        await this.sleep(this.options.maxDelayMs - age);
        continue;
      }
      const capWait = this.sendAllowedAt - this.now();
      if (capWait > 0) {
        await this.sleep(capWait);
        continue;
      }
      try {
        await this.sendOne(cred);
        this.failures = 0;
        this.lastError = null;
        this.nextAttemptAt = null;
      } catch (err) {
        if (this.stopped) break;
        this.failures++;
        this.lastError = (err as Error).message;
        // Too large for the cloud: halve the batch (down to about one record) and try again at once.
        if (err instanceof HttpFailure && err.tooLarge && this.batchBytesLimit > MIN_BATCH_BYTES) {
          this.batchBytesLimit = Math.max(MIN_BATCH_BYTES, Math.floor(this.batchBytesLimit / 2));
          continue;
        }
        // Cut or stalled on the way: a smaller batch is likelier to get through a lossy link, so
        // halve it and try again soon; only once batches are as small as they go does the
        // exponential backoff apply.
        if (err instanceof HttpFailure && err.cut && this.batchBytesLimit > MIN_BATCH_BYTES) {
          this.batchBytesLimit = Math.max(MIN_BATCH_BYTES, Math.floor(this.batchBytesLimit / 2));
          this.failures = 0;
          const wait = this.random() * this.options.backoff.initialMs;
          this.nextAttemptAt = this.now() + wait;
          this.setState(
            'backoff',
            `${this.lastError}; batches now up to ${this.batchBytesLimit} bytes, next in ${Math.round(wait)} ms`,
          );
          await this.sleep(wait);
          this.nextAttemptAt = null;
          continue;
        }
        const ceiling = Math.min(
          this.options.backoff.maxMs,
          this.options.backoff.initialMs * 2 ** Math.min(this.failures - 1, 30),
        );
        const wait = Math.max(this.random() * ceiling, err instanceof HttpFailure ? (err.retryAfterMs ?? 0) : 0);
        this.nextAttemptAt = this.now() + wait;
        this.setState('backoff', `${this.lastError}; attempt ${this.failures}, next in ${Math.round(wait)} ms`);
        await this.sleep(wait);
        this.nextAttemptAt = null;
      }
    }
  }

  /** Builds one batch from the cursors, sends it, and moves the cursors on the acknowledgement. */ private async sendOne(cred: {
    url: string;
    token: string;
  }): Promise<void> {
    const built = buildBatch(
      this.source,
      this.entities,
      { maxRecords: this.options.maxBatchRecords, maxBytes: this.batchBytesLimit },
      this.recordBytes,
      this.now(),
    );
    if (built.records.length === 0) {
      // Everything examined was gone or withheld: nothing to send, but the cursors may move.
      this.source.ack(built.cursors, this.now());
      this.sent.skipped += built.skipped;
      this.backlogCache = undefined;
      return;
    }
    this.setState('sending', `${built.records.length} records to ${cred.url}`);
    this.lastAttemptAt = this.now();
    const wire = await gzip(built.body);
    const ack = await postBatch(
      {
        fetchImpl: this.fetchImpl,
        url: cred.url,
        token: cred.token,
        signal: this.abort.signal,
        requestTimeoutMs: this.options.requestTimeoutMs,
      },
      wire,
    );
    this.source.ack(built.cursors, this.now());
    this.backlogCache = undefined;
    this.lastSuccessAt = this.now();
    this.batchBytesLimit = Math.min(this.options.maxBatchBytes, Math.ceil(this.batchBytesLimit * GROWTH));
    this.sent.batches++;
    this.sent.records += built.records.length;
    this.sent.wireBytes += wire.length;
    this.sent.rawBytes += built.body.length;
    this.sent.duplicates += ack.duplicates;
    this.sent.skipped += built.skipped;
    if (this.options.maxBytesPerSecond > 0) {
      this.sendAllowedAt =
        Math.max(this.now(), this.sendAllowedAt) + (wire.length / this.options.maxBytesPerSecond) * 1000;
    }
  }
}
