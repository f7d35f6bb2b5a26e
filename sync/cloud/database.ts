/**
 * Opens the cloud's database: PostgreSQL for `postgres://…` URLs (production, many cloud
 * processes), else a SQLite file (the embedded default for one process), and migrates it.
 */
import { resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { cloudMigrations, type Dialect } from './migrations.js';
import type { CloudDatabase } from './schema.js';

export interface CloudDb {
  db: Kysely<CloudDatabase>;
  dialect: Dialect;
  /** Where it is, with any password removed. */
  where: string;
  /** The driver's own handle, for libraries that take one (the rate limits). */
  raw: { kind: 'postgres'; pool: pg.Pool } | { kind: 'sqlite'; sqlite: BetterSqlite3.Database };
  close(): Promise<void>;
}

const INT8 = 20;
const NUMERIC = 1700;

export function openCloudDb(target: string): CloudDb {
  if (/^postgres(ql)?:\/\//.test(target)) {
    // Our bigints are ms timestamps and ids, well inside 2^53: read them as numbers, per pool
    // (no process-wide pg.types change).
    const types: pg.CustomTypesConfig = {
      getTypeParser: (oid: number, format?: 'text' | 'binary'): unknown =>
        oid === INT8 || oid === NUMERIC ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format ?? 'text'),
    };
    const pool = new pg.Pool({ connectionString: target, max: 10, types });
    // An idle client losing its server must not become an unhandled 'error' that ends the process.
    pool.on('error', () => undefined);
    const db = new Kysely<CloudDatabase>({ dialect: new PostgresDialect({ pool }) });
    const url = new URL(target);
    url.password = '';
    return {
      db,
      dialect: 'postgres',
      where: url.toString(),
      raw: { kind: 'postgres', pool },
      close: () => db.destroy(),
    };
  }
  const path = resolve(target.replace(/^sqlite:/, ''));
  const sqlite = new BetterSqlite3(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<CloudDatabase>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, dialect: 'sqlite', where: path, raw: { kind: 'sqlite', sqlite }, close: () => db.destroy() };
}

export async function migrateCloud(cloud: CloudDb): Promise<string[]> {
  const migrator = new Migrator({ db: cloud.db, provider: cloudMigrations(cloud.dialect) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    const reason = error instanceof Error ? error.message : JSON.stringify(error);
    throw new Error(
      failed
        ? `cloud database migration ${failed} failed on ${cloud.where}: ${reason}`
        : `cannot open the cloud database ${cloud.where}: ${reason}`,
    );
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
