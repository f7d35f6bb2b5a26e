/**
 * Time-partitioned storage on PostgreSQL. `records` is partitioned by entity: the keyed
 * records (people, events, registrations... mutable, small) in one table, features and raw
 * chunks each in a table partitioned by UTC day of `part_at`, the reading's own time. Retention
 * drops a day whole once every organisation's retention has passed it (sync/cloud/retention.ts),
 * and a day's partition is made the first time a batch brings a reading of it. On SQLite (one
 * process, small) the same rows live in one plain table and retention deletes rows.
 */
import { PostgresAdapter, sql, type Kysely } from 'kysely';
import { syncClasses } from '../contract.js';
import type { CloudDatabase } from './schema.js';

export const DAY_MS = 86_400_000;
/** Readings dated outside these bounds (a box clock reset to 1970, a forged year) are stored at the nearest one. */
export const PART_MIN = Date.UTC(2000, 0, 1);
export const PART_MAX = Date.UTC(2100, 0, 1) - 1;
/** More new days than this in one batch is refused: a forged or corrupt batch must not make thousands of tables. */
export const MAX_NEW_DAYS_PER_BATCH = 64;

export type TimedClass = 'features' | 'raw';
const timed: Record<string, TimedClass> = Object.fromEntries([
  ...syncClasses.features.map((e) => [e, 'features'] as const),
  ...syncClasses.raw.map((e) => [e, 'raw'] as const),
]);

/** The partitioned class of an entity; undefined for keyed records. */
export const timedClass = (entity: string): TimedClass | undefined => timed[entity];

/**
 * Where a record is stored in time: a reading's own time (bounded), 0 for keyed records. Only
 * the record decides it, so a batch sent again lands on the same row.
 */
export function partAt(entity: string, at: number | null): number {
  return timedClass(entity) ? readingPartAt(at) : 0;
}

/** Where a reading of time `at` is stored (bounded; no time: the lower bound). */
export function readingPartAt(at: number | null): number {
  if (at === null || !Number.isFinite(at)) return PART_MIN;
  return Math.min(PART_MAX, Math.max(PART_MIN, Math.round(at)));
}

export const dayOf = (ms: number): number => Math.floor(ms / DAY_MS);
const parentOf: Record<TimedClass, string> = { features: 'records_features', raw: 'records_raw' };
const prefixOf: Record<TimedClass, string> = { features: 'records_f_', raw: 'records_r_' };

/** The partition holding `day` (days since 1970) of a class, e.g. `records_f_20261130`. */
export function partitionName(cls: TimedClass, day: number): string {
  return prefixOf[cls] + new Date(day * DAY_MS).toISOString().slice(0, 10).replaceAll('-', '');
}

export const isPostgres = (db: Kysely<CloudDatabase>): boolean => db.getExecutor().adapter instanceof PostgresAdapter;

export class TooManyDays extends Error {}

/** The day partitions a process knows exist; made on demand, shared by every instance through the catalogue. */
export class Partitions {
  private readonly known = new Set<string>();

  constructor(private readonly db: Kysely<CloudDatabase>) {}

  /** Makes the partitions for these (class, day)s that do not exist yet. */
  async ensure(needed: Iterable<[TimedClass, number]>): Promise<void> {
    if (!isPostgres(this.db)) return;
    const missing = [...needed].filter(([c, d]) => !this.known.has(partitionName(c, d)));
    if (missing.length === 0) return;
    const unique = new Map(missing.map(([c, d]) => [partitionName(c, d), [c, d] as const]));
    const existing = await this.existing([...unique.keys()]);
    for (const name of existing) this.known.add(name);
    const toMake = [...unique.entries()].filter(([name]) => !existing.has(name));
    if (toMake.length > MAX_NEW_DAYS_PER_BATCH)
      throw new TooManyDays(
        `the batch's readings fall on ${toMake.length} days the cloud holds nothing of (at most ${MAX_NEW_DAYS_PER_BATCH} new days in one batch): is the box's clock right?`,
      );
    for (const [name, [cls, day]] of toMake) {
      // Two instances may make the same day at once: one waits for the other, then finds it.
      await this.db.transaction().execute(async (tx) => {
        await sql`SELECT pg_advisory_xact_lock(hashtext(${name}))`.execute(tx);
        await sql
          .raw(
            `CREATE TABLE IF NOT EXISTS ${name} PARTITION OF ${parentOf[cls]} FOR VALUES FROM (${day * DAY_MS}) TO (${(day + 1) * DAY_MS})`,
          )
          .execute(tx);
      });
      this.known.add(name);
    }
  }

  /** Forgets what this process knew (another instance's retention may have dropped a day). */
  forget(): void {
    this.known.clear();
  }

  private async existing(names: string[]): Promise<Set<string>> {
    const rows = await sql<{ relname: string }>`SELECT relname FROM pg_class WHERE relname = ANY(${names})`.execute(
      this.db,
    );
    return new Set(rows.rows.map((r) => r.relname));
  }
}

/** The day partitions of a class, oldest first. */
export async function listPartitions(
  db: Kysely<CloudDatabase>,
  cls: TimedClass,
): Promise<{ name: string; day: number }[]> {
  const rows = await sql<{ name: string }>`
    SELECT c.relname AS name FROM pg_inherits i
    JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
    WHERE p.relname = ${parentOf[cls]}`.execute(db);
  return rows.rows
    .map((r) => {
      const m = /(\d{4})(\d{2})(\d{2})$/.exec(r.name);
      return { name: r.name, day: m ? dayOf(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : NaN };
    })
    .filter((p) => Number.isFinite(p.day))
    .sort((x, y) => x.day - y.day);
}

/** Drops whole days of a class that end at or before `before`; returns their names. */
export async function dropPartitionsBefore(
  db: Kysely<CloudDatabase>,
  cls: TimedClass,
  before: number,
): Promise<string[]> {
  const dropped: string[] = [];
  for (const p of await listPartitions(db, cls)) {
    if ((p.day + 1) * DAY_MS > before) break;
    await sql.raw(`DROP TABLE IF EXISTS ${p.name}`).execute(db);
    dropped.push(p.name);
  }
  return dropped;
}

/** Whether an error is PostgreSQL finding no partition for a row (the day was dropped meanwhile). */
export const noPartition = (err: unknown): boolean =>
  typeof err === 'object' &&
  err !== null &&
  (err as { code?: string }).code === '23514' &&
  /no partition/.test(String((err as Error).message));
