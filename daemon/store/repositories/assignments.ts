/** Which dancer wears which device: one open assignment per device, released before the next. */
import type { Sql } from '../sql.js';
import { insertRecord, updateRecord } from './records.js';

/** The device's open assignments (one, unless the store was edited by hand). */
function openAssignments(sql: Sql, deviceId: number): number[] {
  return sql
    .all(
      sql.db
        .selectFrom('device_assignments')
        .select('id')
        .where('device_id', '=', deviceId)
        .where('released_at', 'is', null),
    )
    .map((r) => r.id);
}

/** The device's open assignment, if it is worn. */
export const openAssignment = (sql: Sql, deviceId: number): number | undefined => openAssignments(sql, deviceId)[0];

export function releaseAssignment(sql: Sql, id: number, at: number): void {
  updateRecord(sql, 'device_assignments', id, { released_at: at });
}

/** Gives the device to a dancer (for an event), releasing whoever wore it; returns the new assignment. */
export function assignDevice(sql: Sql, deviceId: number, userId: number, eventId: number | null, at: number): number {
  return sql.tx(() => {
    for (const open of openAssignments(sql, deviceId)) releaseAssignment(sql, open, at);
    return insertRecord(sql, 'device_assignments', {
      device_id: deviceId,
      user_id: userId,
      event_id: eventId,
      assigned_at: at,
    });
  });
}
