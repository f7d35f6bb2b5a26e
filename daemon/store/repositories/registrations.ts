/** Registrations for events: places taken, one dancer's registration, registering and attendance. */
import type { Sql } from '../sql.js';
import { insertRecord, updateRecord, type Row } from './records.js';

export function activeRegistrations(sql: Sql, eventId: number): number {
  return (
    sql.first(
      sql.db
        .selectFrom('registrations')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('event_id', '=', eventId)
        .where('is_active', '=', 1),
    )?.n ?? 0
  );
}

export function registrationOf(sql: Sql, eventId: number, userId: number): Row | undefined {
  return sql.first(
    sql.db.selectFrom('registrations').selectAll().where('event_id', '=', eventId).where('user_id', '=', userId),
  );
}

/** The dancers actively registered for an event, by id. */
export function registeredDancers(sql: Sql, eventId: number): number[] {
  return sql
    .all(
      sql.db
        .selectFrom('registrations')
        .select('user_id')
        .where('event_id', '=', eventId)
        .where('is_active', '=', 1)
        .orderBy('user_id'),
    )
    .map((r) => r.user_id);
}

/** Registers a dancer (again, when a cancelled registration exists) and queues it; returns its id. */
export function register(sql: Sql, eventId: number, userId: number, existing: Row | undefined): number {
  const at = sql.now();
  if (!existing) return insertRecord(sql, 'registrations', { event_id: eventId, user_id: userId, registered_at: at });
  const id = Number(existing.id);
  updateRecord(sql, 'registrations', id, {
    is_active: 1,
    registered_at: at,
    checked_in_at: null,
    checked_out_at: null,
  });
  return id;
}

/** Checks a registration in (clearing any check-out) or out, now, and queues it. */
export function setAttendance(sql: Sql, id: number, action: 'checkin' | 'checkout'): void {
  const now = sql.now();
  const set = action === 'checkin' ? { checked_in_at: now, checked_out_at: null } : { checked_out_at: now };
  updateRecord(sql, 'registrations', id, set);
}
