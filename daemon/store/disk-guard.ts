/**
 * Keeps the store's disk from filling, and keeps records writable when it does.
 *
 * Free space on the store's filesystem is measured every `checkMs`:
 * - `ok`: everything is stored.
 * - `low` (free < `minFreeBytes`): raw streams are shed (counted, not stored) and the oldest
 *   raw chunks are pruned early, so the database has free pages of its own again.
 * - `critical` (free < half of that, or a write failed for want of space): features are shed
 *   too, and the reserve file beside the store is released, so that pruning and the API's
 *   records (users, events, registrations) have room on a disk something else filled.
 * The level only returns to `ok` once free space is back above the watermark with a margin,
 * and the reserve is made again once there is room for it too.
 *
 * SQLite never gives pages back to the filesystem without a VACUUM; pruning makes them free
 * inside the file, where new rows (records first: nothing else is being written) reuse them.
 */
import { closeSync, openSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import type { BatchWriter } from './batch-writer.js';

export type DiskLevel = 'ok' | 'low' | 'critical';

export interface DiskOptions {
  minFreeBytes: number;
  reserveBytes: number;
  checkMs: number;
}

export interface DiskHealth {
  level: DiskLevel;
  freeBytes: number;
  minFreeBytes: number;
  /** Whether the reserve file is held (released when the disk fills). */
  reserveHeld: boolean;
  /** Rows pruned before their retention ran out, per table. */
  prunedEarly: Record<string, number>;
}

/** Rows deleted per check at most, so a prune never holds the event loop for long. */
const PRUNE_SLICE = 2000;
/** Back to `ok` only above the watermark by this share of it (no flapping at the line). */
const HYSTERESIS = 0.1;

/**
 * Raw streams first, then (only when critical and no raw is left) features. Oldest first by
 * id, which follows the order rows were written, so each slice is a walk of the primary key
 * rather than a sort of a table that may hold millions of rows.
 */
const PRUNE_ORDER: { table: string; critical: boolean }[] = [
  { table: 'stream_chunks', critical: false },
  { table: 'inferences', critical: true },
  { table: 'crowd_states', critical: true },
  { table: 'biometric_data', critical: true },
];

export function freeBytesOf(dir: string): number {
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
}

export class DiskGuard {
  private level: DiskLevel = 'ok';
  private free = Number.POSITIVE_INFINITY;
  private reserveHeld = false;
  private readonly prunedEarly: Record<string, number> = {};
  private timer: NodeJS.Timeout | undefined;
  private readonly reservePath: string;
  private readonly dir: string;

  constructor(
    private readonly deps: {
      dbPath: string;
      options: DiskOptions;
      sqlite: BetterSqlite3.Database;
      writer: Pick<BatchWriter, 'shed' | 'snapshot' | 'retrySoon'>;
      /** Told once per level change, with the reason in words. */
      onChange: (level: DiskLevel, detail: string) => void;
      freeBytes?: (dir: string) => number;
    },
  ) {
    this.reservePath = `${deps.dbPath}.reserve`;
    this.dir = dirname(deps.dbPath);
  }

  start(): void {
    this.check();
    this.timer = setInterval(() => this.check(), this.deps.options.checkMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  health(): DiskHealth {
    return {
      level: this.level,
      freeBytes: Number.isFinite(this.free) ? this.free : -1,
      minFreeBytes: this.deps.options.minFreeBytes,
      reserveHeld: this.reserveHeld,
      prunedEarly: { ...this.prunedEarly },
    };
  }

  /** Measures, decides the level, sheds and prunes. Never throws (a statfs failure counts as unknown, not full). */
  check(): void {
    const { minFreeBytes, reserveBytes } = this.deps.options;
    try {
      this.free = (this.deps.freeBytes ?? freeBytesOf)(this.dir);
    } catch {
      return;
    }
    const writer = this.deps.writer.snapshot();
    // A write that failed for space counts while space is still short. Once the disk has room
    // again it must not hold the level: at `critical` nothing is written, so the writer could
    // never succeed and clear its failure by itself.
    const outOfSpace =
      writer.failing &&
      /full|no space|SQLITE_FULL/i.test(writer.lastError ?? '') &&
      this.free < minFreeBytes * (1 + HYSTERESIS);
    let next: DiskLevel;
    if (this.free < minFreeBytes / 2 || outOfSpace) next = 'critical';
    else if (this.free < minFreeBytes) next = 'low';
    else if (this.level !== 'ok' && this.free < minFreeBytes * (1 + HYSTERESIS))
      next = this.level === 'critical' ? 'low' : this.level;
    else next = 'ok';
    if (next !== this.level) {
      this.level = next;
      this.deps.writer.shed('raw', next !== 'ok');
      this.deps.writer.shed('features', next === 'critical');
      if (next !== 'critical') this.deps.writer.retrySoon();
      this.deps.onChange(next, this.describe());
    }
    if (next === 'critical' && this.reserveHeld) this.releaseReserve();
    if (next !== 'ok') this.pruneEarly(next);
    if (next === 'ok' && !this.reserveHeld && reserveBytes > 0 && this.free >= minFreeBytes + reserveBytes)
      this.makeReserve();
  }

  describe(): string {
    const mib = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;
    const free = `${mib(this.free)} free on the store's disk`;
    if (this.level === 'ok') return free;
    const watermark = mib(
      this.level === 'critical' ? this.deps.options.minFreeBytes / 2 : this.deps.options.minFreeBytes,
    );
    return this.level === 'critical'
      ? `disk nearly full (${free}, under ${watermark} or a write failed for space): raw streams and features are not stored, the oldest raw data is pruned early; records still are`
      : `disk low (${free}, under ${watermark}): raw streams are not stored and the oldest are pruned early`;
  }

  /** Deletes the oldest rows until the file holds `reserveBytes` of free pages (or nothing is left to prune). */
  private pruneEarly(level: DiskLevel): void {
    const { sqlite } = this.deps;
    try {
      const pageSize = Number(sqlite.pragma('page_size', { simple: true }));
      const target = Math.max(this.deps.options.reserveBytes, 4 * 1048576);
      if (Number(sqlite.pragma('freelist_count', { simple: true })) * pageSize >= target) return;
      for (const t of PRUNE_ORDER) {
        if (t.critical && level !== 'critical') break;
        const n = sqlite
          .prepare(`DELETE FROM ${t.table} WHERE id IN (SELECT id FROM ${t.table} ORDER BY id LIMIT ${PRUNE_SLICE})`)
          .run().changes;
        if (n > 0) {
          this.prunedEarly[t.table] = (this.prunedEarly[t.table] ?? 0) + n;
          break;
        }
      }
      // Passive: copies what it can into the main file without waiting for readers.
      sqlite.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // The disk refused even the delete: the reserve is released at `critical`; the next check tries again.
    }
  }

  private makeReserve(): void {
    const chunk = Buffer.alloc(1048576);
    let fd: number | undefined;
    try {
      fd = openSync(this.reservePath, 'w');
      for (let left = this.deps.options.reserveBytes; left > 0; left -= chunk.length)
        writeSync(fd, chunk, 0, Math.min(chunk.length, left));
      this.reserveHeld = true;
    } catch {
      rmSync(this.reservePath, { force: true });
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }

  private releaseReserve(): void {
    rmSync(this.reservePath, { force: true });
    this.reserveHeld = false;
  }
}
