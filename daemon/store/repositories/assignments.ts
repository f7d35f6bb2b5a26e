/** Which dancer wears which device: one open assignment per device, released before the next. */
import type { Sql } from '../sql.js';

/** The device's open assignment, if it is worn. */
export function openAssignment(sql: Sql, deviceId: number): number | undefined {
  return sql.first(
    sql.db
      .selectFrom('device_assignments')
      .select('id')
      .where('device_id', '=', deviceId)
      .where('released_at', 'is', null),
  )?.id;
}

export function releaseAssignment(sql: Sql, id: number, at: number): void {
  sql.tx(() => {
    sql.run(sql.db.updateTable('device_assignments').set({ released_at: at }).where('id', '=', id));
    sql.outbox('device_assignments', id);
  });
}

/** Gives the device to a dancer (for an event), releasing whoever wore it; returns the new assignment. */
export function assignDevice(sql: Sql, deviceId: number, userId: number, eventId: number | null, at: number): number {
  return sql.tx(() => {
    for (const open of sql.all(
      sql.db
        .selectFrom('device_assignments')
        .select('id')
        .where('device_id', '=', deviceId)
        .where('released_at', 'is', null),
    ))
      releaseAssignment(sql, open.id, at);
    const { id } = sql.run(
      sql.db
        .insertInto('device_assignments')
        .values({ device_id: deviceId, user_id: userId, event_id: eventId, assigned_at: at }),
    );
    sql.outbox('device_assignments', id);
    return id;
  });
}
