/**
 * Opens the SQLite file the way the box needs it: WAL (readers never block the writer,
 * and a killed process leaves a consistent database), synchronous=NORMAL (durable across
 * process crashes; an OS crash may lose the last few hundred ms, which the batching
 * window already accepts), foreign keys on, and a busy timeout for the backup CLI.
 */
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteAdapter, SqliteDialect, type DialectAdapter } from 'kysely';
import type { Database } from './schema.js';
import { ensureDir } from './ensure-dir.js';

/**
 * SQLite runs DDL inside transactions, but Kysely's adapter says it cannot (to be safe
 * across drivers). Saying it can makes the Migrator wrap each run in one transaction.
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class StoreDialect extends SqliteDialect {
  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

export interface OpenedDatabase {
  path: string;
  sqlite: BetterSqlite3.Database;
  db: Kysely<Database>;
  close(): Promise<void>;
}

export class StoreOpenError extends Error {
  constructor(path: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`cannot open the store at ${path}: ${reason}`, { cause });
    this.name = 'StoreOpenError';
  }
}

export function openDatabase(path: string, options: { mustExist?: boolean } = {}): OpenedDatabase {
  const abs = resolve(path);
  let sqlite: BetterSqlite3.Database;
  try {
    if (!options.mustExist) ensureDir(dirname(abs));
    sqlite = new BetterSqlite3(abs, { fileMustExist: options.mustExist ?? false });
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
  } catch (err) {
    throw new StoreOpenError(abs, err);
  }
  const db = new Kysely<Database>({ dialect: new StoreDialect({ database: sqlite }) });
  let closed = false;
  return {
    path: abs,
    sqlite,
    db,
    async close() {
      if (closed) return;
      closed = true;
      // Kysely's destroy closes the better-sqlite3 handle (a checkpoint runs on close).
      await db.destroy();
    },
  };
}
