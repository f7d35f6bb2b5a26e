/** Registrations for events: places taken, one dancer's registration, registering and attendance. */
import type { Sql } from '../sql.js';
import type { Row } from './records.js';

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

/** Registers a dancer (again, when a cancelled registration exists) and queues it; returns its id. Call inside `tx`. */
export function register(sql: Sql, eventId: number, userId: number, existing: Row | undefined): number {
  let id: number;
  if (existing) {
    id = Number(existing.id);
    sql.run(
      sql.db
        .updateTable('registrations')
        .set({ is_active: 1, registered_at: sql.now(), checked_in_at: null, checked_out_at: null })
        .where('id', '=', id),
    );
  } else {
    id = sql.run(
      sql.db.insertInto('registrations').values({ event_id: eventId, user_id: userId, registered_at: sql.now() }),
    ).id;
  }
  sql.outbox('registrations', id);
  return id;
}

/** Checks a registration in (clearing any check-out) or out, now, and queues it. */
export function setAttendance(sql: Sql, id: number, action: 'checkin' | 'checkout'): void {
  const now = sql.now();
  const set = action === 'checkin' ? { checked_in_at: now, checked_out_at: null } : { checked_out_at: now };
  sql.tx(() => {
    sql.run(sql.db.updateTable('registrations').set(set).where('id', '=', id));
    sql.outbox('registrations', id);
  });
}
