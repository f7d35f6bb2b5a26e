/**
 * Everything the box holds of one dancer, read for their export a page at a time (keyset on
 * id), so a year of readings never sits in memory and no statement stays open between pages
 * (the store's one connection keeps writing meanwhile).
 */
import type { Sql } from '../sql.js';

type Row = Record<string, unknown>;

/** The dancer's tables by `user_id`, as they go into the archive. */
export const dancerTables = [
  'registrations',
  'device_assignments',
  'song_selections',
  'collections',
  'choreo_tasks',
  'biometric_data',
  'movement_data',
  'inferences',
  'detected_patterns',
] as const;
export type DancerTable = (typeof dancerTables)[number];

/** The account, without its password hash. */
export function accountOf(sql: Sql, userId: number): Row | undefined {
  const row = sql.sqlite.prepare('SELECT * FROM users WHERE id = ?').get(userId) as Row | undefined;
  if (row) delete row.password_hash;
  return row;
}

/** Rows of `table` that name the dancer, after id `afterId`, at most `limit`. */
export function dancerRows(sql: Sql, table: DancerTable, userId: number, afterId: number, limit: number): Row[] {
  return sql.sqlite
    .prepare(`SELECT * FROM ${table} WHERE user_id = ? AND id > ? ORDER BY id LIMIT ?`)
    .all(userId, afterId, limit) as Row[];
}

/** The bands the dancer wore and when (raw chunks carry a device, not a person). */
export function wornIntervals(sql: Sql, userId: number, now: number) {
  const rows = sql.sqlite
    .prepare(
      `SELECT a.device_id, d.device_key, a.assigned_at, a.released_at FROM device_assignments a
       JOIN devices d ON d.id = a.device_id WHERE a.user_id = ? ORDER BY a.id`,
    )
    .all(userId) as { device_id: number; device_key: string; assigned_at: number; released_at: number | null }[];
  return rows.map((r) => ({
    deviceId: r.device_id,
    deviceKey: r.device_key,
    from: r.assigned_at,
    to: r.released_at ?? now,
  }));
}

export interface ChunkRow {
  id: number;
  device_id: number;
  stream: string;
  started_at: number;
  first_index: number;
  rate_hz: number;
  channels: number;
  sample_count: number;
  encoding: string;
  data: Buffer;
}

/** Raw chunks of one stream of one band while the dancer wore it, after id `afterId`. */
export function wornChunks(
  sql: Sql,
  stream: string,
  w: { deviceId: number; from: number; to: number },
  afterId: number,
  limit: number,
): ChunkRow[] {
  return sql.sqlite
    .prepare(
      'SELECT * FROM stream_chunks WHERE device_id = ? AND stream = ? AND started_at >= ? AND started_at <= ? AND id > ? ORDER BY id LIMIT ?',
    )
    .all(w.deviceId, stream, w.from, w.to, afterId, limit) as ChunkRow[];
}

/** Device keys by id, for naming the band of each reading. */
export function deviceKeys(sql: Sql): Map<number, string> {
  const rows = sql.sqlite.prepare('SELECT id, device_key FROM devices').all() as { id: number; device_key: string }[];
  return new Map(rows.map((r) => [r.id, r.device_key]));
}

/** Names of movement patterns by id (a detection names its pattern). */
export function patternNames(sql: Sql): Map<number, string> {
  const rows = sql.sqlite.prepare('SELECT id, name FROM movement_patterns').all() as { id: number; name: string }[];
  return new Map(rows.map((r) => [r.id, r.name]));
}
