/** A CLI command's short session on the box's store: opened, migrated, used through `Sql`, closed. */
import type { Kysely } from 'kysely';
import { openDatabase } from '../store/database.js';
import { migrateToLatest } from '../store/migrate.js';
import { Sql } from '../store/sql.js';

/** Runs `fn` on the store at `storePath`; with `mustExist`, a missing store is an error instead of a new one. */
export async function withStore<T>(
  storePath: string,
  fn: (sql: Sql, path: string) => T | Promise<T>,
  options: { mustExist?: boolean } = {},
): Promise<T> {
  const opened = openDatabase(storePath, options);
  try {
    await migrateToLatest(opened.db as Kysely<unknown>);
    return await fn(new Sql(opened.sqlite, opened.db, Date.now), opened.path);
  } finally {
    await opened.close();
  }
}
