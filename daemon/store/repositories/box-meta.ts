/** The box's own facts kept in its store (`box_meta`): its id, the key that signs tokens. */
import type BetterSqlite3 from 'better-sqlite3';

/** The value under `key`, made once by `initial` and kept from then on. */
export function metaValue(sqlite: BetterSqlite3.Database, key: string, initial: () => string): string {
  sqlite.prepare('INSERT OR IGNORE INTO box_meta (key, value) VALUES (?, ?)').run(key, initial());
  return (sqlite.prepare('SELECT value FROM box_meta WHERE key = ?').get(key) as { value: string }).value;
}
