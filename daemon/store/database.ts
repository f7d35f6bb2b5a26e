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

/** SQLite's application id in the file header: "Coda". Marks a file as a Codance store. */
export const CODANCE_APPLICATION_ID = 0x436f6461;
const WAL_LIMIT_BYTES = 16 * 1024 * 1024;
/** The first migration every Codance store has applied (stores made before the application id was set). */
const FIRST_MIGRATION = '2026-11-22T00-00-00-initial';

/**
 * A file is ours if it is empty (a new store, which is then marked), carries our application
 * id, or is a store from before the id was written (our first migration is recorded in it).
 * Anything else is another program's database: refused, and left exactly as it was.
 */
function claimAsOurs(sqlite: BetterSqlite3.Database, path: string): void {
  const appId = Number(sqlite.pragma('application_id', { simple: true }));
  if (appId === CODANCE_APPLICATION_ID) return;
  const tables = (
    sqlite
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
      .all() as { name: string }[]
  ).map((t) => t.name);
  const ours =
    appId === 0 &&
    (tables.length === 0 ||
      (tables.includes('kysely_migration') &&
        sqlite.prepare('SELECT 1 FROM kysely_migration WHERE name = ?').get(FIRST_MIGRATION) !== undefined));
  if (!ours) {
    const what =
      appId !== 0
        ? `its application id is 0x${appId.toString(16)}`
        : `it holds ${tables.slice(0, 5).join(', ')}${tables.length > 5 ? ` and ${tables.length - 5} more tables` : ''}`;
    throw new StoreOpenError(
      path,
      new Error(
        `this is not a Codance store (${what}); it was left unchanged. Point store.path at a new file or at a Codance store`,
      ),
    );
  }
  if (sqlite.readonly) return;
  sqlite.pragma(`application_id = ${CODANCE_APPLICATION_ID}`);
}

export function openDatabase(path: string, options: { mustExist?: boolean } = {}): OpenedDatabase {
  const abs = resolve(path);
  let sqlite: BetterSqlite3.Database;
  try {
    if (!options.mustExist) ensureDir(dirname(abs));
    sqlite = new BetterSqlite3(abs, { fileMustExist: options.mustExist ?? false });
  } catch (err) {
    throw new StoreOpenError(abs, err);
  }
  try {
    // Before anything is written: another program's database is refused untouched.
    claimAsOurs(sqlite, abs);
    sqlite.pragma('journal_mode = WAL');
    // The WAL is truncated back to this after a checkpoint, so a burst never keeps its disk space.
    sqlite.pragma(`journal_size_limit = ${WAL_LIMIT_BYTES}`);
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
  } catch (err) {
    sqlite.close();
    throw err instanceof StoreOpenError ? err : new StoreOpenError(abs, err);
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
