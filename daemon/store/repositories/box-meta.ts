/** The box's own facts kept in its store (`box_meta`): its id, the key that signs tokens, the live mapping, its cloud. */
import type BetterSqlite3 from 'better-sqlite3';

/** The value under `key`, made once by `initial` and kept from then on. */
export function metaValue(sqlite: BetterSqlite3.Database, key: string, initial: () => string): string {
  sqlite.prepare('INSERT OR IGNORE INTO box_meta (key, value) VALUES (?, ?)').run(key, initial());
  return (sqlite.prepare('SELECT value FROM box_meta WHERE key = ?').get(key) as { value: string }).value;
}

export function getMeta(sqlite: BetterSqlite3.Database, key: string): string | undefined {
  return (sqlite.prepare('SELECT value FROM box_meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
}

export function setMeta(sqlite: BetterSqlite3.Database, key: string, value: string): void {
  sqlite
    .prepare('INSERT INTO box_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value')
    .run(key, value);
}
