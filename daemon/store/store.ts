/**
 * The box's store: opens SQLite, runs the migrations, and owns the batched write path.
 * Samples come in through `write()` (called from the bus); repositories for the API use
 * `db` (Kysely). The store never calls a driver.
 */
import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { metaValue } from './repositories/box-meta.js';
import {
  SCALAR_SIGNALS,
  scalarBlock,
  type DeviceInfo,
  type Sample,
  type ScalarSignalSpec,
} from '../../config/signals.js';
import { BatchWriter, type WriterStats } from './batch-writer.js';
import type { WriteOp } from './row-writer.js';
import { DiskGuard, type DiskHealth, type DiskLevel, type DiskOptions } from './disk-guard.js';
import { Chunker } from './chunker.js';
import { ConsentGate } from './consent-gate.js';
import { currentEvent } from './repositories/events.js';
import { SlotDirectory } from './slots.js';
import { DeviceDirectory } from './devices.js';
import { openDatabase, type OpenedDatabase } from './database.js';
import { migrateToLatest, type MigrationReport } from './migrate.js';
import type { Database } from './schema.js';

export interface StoreOptions {
  path: string;
  batchMs: number;
  maxBatchRows: number;
  chunkMs: number;
  /** Absent: no disk guard (tests and benchmarks on a scratch directory). */
  disk?: DiskOptions;
}

/** What the store tells its owner (the daemon reports it as the `store` and `disk` health components). */
export interface StoreEvents {
  writes(failing: boolean, reason: string | null): void;
  disk(level: DiskLevel, detail: string): void;
}

export interface StoreHealth extends WriterStats {
  path: string;
  boxId: string;
  journalMode: string;
  sizeBytes: number;
  openChunks: number;
  migration: string | undefined;
  disk: DiskHealth | undefined;
}

export class Store {
  private opened: OpenedDatabase | undefined;
  private writer: BatchWriter | undefined;
  private guard: DiskGuard | undefined;
  private gate: ConsentGate | undefined;
  private slotDirectory: SlotDirectory | undefined;
  private devices: DeviceDirectory | undefined;
  private chunker: Chunker;
  private timer: NodeJS.Timeout | undefined;
  private migration: MigrationReport | undefined;
  private boxIdValue = '';
  private journalMode = '';

  constructor(
    private readonly options: StoreOptions,
    private readonly now: () => number = Date.now,
    private readonly events: Partial<StoreEvents> = {},
  ) {
    this.chunker = new Chunker(options.chunkMs);
  }

  /** Opens and migrates; throws `StoreOpenError` or `MigrationError` with a clear message. */
  async start(_signal?: AbortSignal): Promise<void> {
    if (this.opened) return;
    const opened = openDatabase(this.options.path);
    try {
      this.migration = await migrateToLatest(opened.db as Kysely<unknown>);
      this.boxIdValue = ensureBoxId(opened);
      this.journalMode = String(opened.sqlite.pragma('journal_mode', { simple: true }));
      this.devices = new DeviceDirectory(opened.sqlite, this.now);
      this.gate = new ConsentGate(opened.sqlite, this.now);
      this.slotDirectory = new SlotDirectory(opened.sqlite, this.now, (t) => currentEvent(opened.sqlite, t));
      this.writer = new BatchWriter(
        opened.sqlite,
        this.devices,
        this.options.maxBatchRows,
        this.now,
        (failing, reason) => this.events.writes?.(failing, reason),
      );
      if (this.options.disk) {
        this.guard = new DiskGuard({
          dbPath: opened.path,
          options: this.options.disk,
          sqlite: opened.sqlite,
          writer: this.writer,
          onChange: (level, detail) => this.events.disk?.(level, detail),
        });
        this.guard.start();
      }
    } catch (err) {
      await opened.close();
      throw err;
    }
    this.opened = opened;
    this.timer = setInterval(() => this.writer?.tick(), this.options.batchMs);
  }

  /** Flushes open chunks and queued rows, then closes the database. Idempotent. */
  async stop(): Promise<void> {
    if (!this.opened) return;
    clearInterval(this.timer);
    this.guard?.stop();
    for (const chunk of this.chunker.drain()) this.writer?.enqueue({ t: 'chunk', chunk });
    this.writer?.flush();
    // A disk that still refuses writes cannot hold shutdown: what is left is counted as lost.
    this.lostAtStop = this.writer?.abandon() ?? 0;
    const opened = this.opened;
    this.opened = undefined;
    await opened.close();
  }

  /** Asked by the bus before any sample or derived value reaches a consumer (daemon/store/consent-gate.ts). */
  get consent(): ConsentGate {
    if (!this.gate) throw new Error('store is not started');
    return this.gate;
  }

  /** The slot (1..N) each dancer holds for outputs (daemon/store/slots.ts). */
  get slots(): SlotDirectory {
    if (!this.slotDirectory) throw new Error('store is not started');
    return this.slotDirectory;
  }

  /** Rows still queued at stop because the disk refused them (0 normally). */
  lostAtStop = 0;

  get db(): Kysely<Database> {
    if (!this.opened) throw new Error('store is not started');
    return this.opened.db;
  }

  /** The raw handle, for synchronous transactions (see daemon/api/sql.ts for why). */
  get sqlite(): BetterSqlite3.Database {
    if (!this.opened) throw new Error('store is not started');
    return this.opened.sqlite;
  }

  /** Absolute path of the open database file. */
  get path(): string | undefined {
    return this.opened?.path;
  }

  get boxId(): string {
    return this.boxIdValue;
  }

  get migrations(): MigrationReport | undefined {
    return this.migration;
  }

  registerDevice(info: DeviceInfo): void {
    this.devices?.register(info);
  }

  write(sample: Sample): void {
    const writer = this.writer;
    if (!writer) return;
    if (sample.kind === 'raw') {
      for (const chunk of this.chunker.add(sample)) writer.enqueue({ t: 'chunk', chunk });
      return;
    }
    const spec: ScalarSignalSpec = SCALAR_SIGNALS[sample.kind];
    if (spec.store === 'chunks' && sample.kind !== 'heart_rate') {
      for (const chunk of this.chunker.add(scalarBlock(sample, spec.rateHz))) writer.enqueue({ t: 'chunk', chunk });
      return;
    }
    writer.enqueue({ t: 'scalar', sample });
  }

  /** Queues a model output, crowd state or pattern detection with the next batch. */
  writeDerived(op: Extract<WriteOp, { t: 'inference' | 'crowd' | 'detection' | 'output' }>): void {
    this.writer?.enqueue(op);
  }

  /** Writes what is queued now (tests and shutdown; the timer does it otherwise). */
  flush(): void {
    this.writer?.flush();
  }

  health(): StoreHealth | undefined {
    if (!this.opened || !this.writer) return undefined;
    let sizeBytes = 0;
    for (const suffix of ['', '-wal']) {
      try {
        sizeBytes += statSync(this.opened.path + suffix).size;
      } catch {
        // the -wal file may not exist between checkpoints
      }
    }
    const writer = this.writer.snapshot();
    return {
      ...writer,
      // Withheld at the source (from every consumer) plus what the writer itself refused.
      withheldNoConsent:
        writer.withheldNoConsent + (this.gate?.withheld.biometrics ?? 0) + (this.gate?.withheld.movement ?? 0),
      path: this.opened.path,
      boxId: this.boxIdValue,
      journalMode: this.journalMode,
      sizeBytes,
      openChunks: this.chunker.openCount,
      migration: this.migration?.current,
      disk: this.guard?.health(),
    };
  }
}

/** Each box has a stable random id, made once; the cloud keys its outbox sequence by it. */
export function ensureBoxId(opened: Pick<OpenedDatabase, 'sqlite'>): string {
  return metaValue(opened.sqlite, 'box_id', () => randomUUID());
}
