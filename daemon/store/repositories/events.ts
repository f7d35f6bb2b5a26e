/** Events as the running box needs them: the one on now, and starting or ending one by id. */
import type BetterSqlite3 from 'better-sqlite3';
import type { Sql } from '../sql.js';
import { updateRecord } from './records.js';

/** The event happening now (the latest started one that has not ended), for crowd states. */
export function currentEvent(sqlite: BetterSqlite3.Database, now: number): number | null {
  const row = sqlite
    .prepare(
      'SELECT id FROM events WHERE starts_at <= ? AND (ends_at IS NULL OR ends_at >= ?) ORDER BY starts_at DESC LIMIT 1',
    )
    .get(now, now) as { id: number } | undefined;
  return row?.id ?? null;
}

export function eventById(sql: Sql, id: number) {
  return sql.first(sql.db.selectFrom('events').select(['id', 'name', 'starts_at', 'ends_at']).where('id', '=', id));
}

/** Sets when an event runs (and makes it active), queued for the cloud. */
export function setEventTimes(sql: Sql, id: number, startsAt: number, endsAt: number): void {
  updateRecord(sql, 'events', id, { starts_at: startsAt, ends_at: endsAt, is_active: 1, updated_at: sql.now() });
}
