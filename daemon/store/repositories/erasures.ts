/**
 * A dancer's erasure on the box, in three steps so a year of data never holds the store's one
 * connection for long:
 *
 * 1. `beginErasure` (one transaction): the account is disabled, its consents withdrawn, its
 *    logins revoked and its bands released, so nothing new is recorded under the dancer; the
 *    wearables and the times they were worn are noted (raw chunks carry a device, not a
 *    person).
 * 2. `eraseSlice`, again and again: a few thousand of the dancer's readings per transaction.
 * 3. `finishErasure` (one transaction): the records (registrations, assignments, collections,
 *    tasks, consent history, reads of their data) and the account go, the erasure is marked
 *    done with what it deleted, and its outbox entry carries it to the cloud after every
 *    entry of the dancer's data.
 *
 * An erasure interrupted (power loss) is found by `unfinishedErasures` and completed at start.
 */
import type { Sql } from '../sql.js';

export interface WornInterval {
  device_id: number;
  from: number;
  to: number;
}

export interface Requester {
  id: number | null;
  role: string;
  via: string;
}

/** Row counts deleted per table. */
export type Erased = Record<string, number>;

/** Tables holding a dancer's readings by `user_id`, and (for rows stored while no one was named) by device and time. */
const readings: { table: string; time: string; byDevice: boolean }[] = [
  { table: 'biometric_data', time: 'recorded_at', byDevice: true },
  { table: 'inferences', time: 'at', byDevice: true },
  { table: 'movement_data', time: 'recorded_at', byDevice: true },
  { table: 'detected_patterns', time: 'detected_at', byDevice: false },
];

/** Tables of the dancer's records, deleted in `finishErasure`, children first. */
const records = [
  'consent_changes',
  'refresh_tokens',
  'song_selections',
  'collections',
  'choreo_tasks',
  'registrations',
  'device_assignments',
] as const;

export function beginErasure(sql: Sql, subjectId: number, by: Requester): { id: number; devices: WornInterval[] } {
  const now = sql.now();
  return sql.tx(() => {
    const worn = sql.all(
      sql.db
        .selectFrom('device_assignments')
        .select(['id', 'device_id', 'assigned_at', 'released_at'])
        .where('user_id', '=', subjectId)
        .orderBy('id'),
    );
    const devices = worn.map((a) => ({ device_id: a.device_id, from: a.assigned_at, to: a.released_at ?? now }));
    for (const a of worn.filter((w) => w.released_at === null)) {
      sql.run(sql.db.updateTable('device_assignments').set({ released_at: now }).where('id', '=', a.id));
      // Announced, so the consent gate and the slots look the band's wearer up again at once.
      sql.outbox('device_assignments', a.id);
    }
    sql.run(
      sql.db
        .updateTable('users')
        .set({ is_active: 0, consent_biometrics: 0, consent_cloud_sync: 0, consent_updated_at: now, updated_at: now })
        .where('id', '=', subjectId),
    );
    sql.run(sql.db.deleteFrom('refresh_tokens').where('user_id', '=', subjectId));
    const id = sql.run(
      sql.db.insertInto('erasures').values({
        subject_id: subjectId,
        requested_by: by.id,
        requested_role: by.role,
        via: by.via,
        requested_at: now,
        devices: JSON.stringify(devices),
      }),
    ).id;
    return { id, devices };
  });
}

/**
 * Deletes up to `limit` of the dancer's readings (the first table that still has some);
 * returns the table and how many, or undefined when none are left.
 */
export function eraseSlice(
  sql: Sql,
  subjectId: number,
  devices: readonly WornInterval[],
  limit: number,
): { table: string; deleted: number } | undefined {
  const db = sql.sqlite;
  return sql.tx(() => {
    for (const r of readings) {
      const n = db
        .prepare(`DELETE FROM ${r.table} WHERE id IN (SELECT id FROM ${r.table} WHERE user_id = ? LIMIT ?)`)
        .run(subjectId, limit).changes;
      if (n > 0) return { table: r.table, deleted: n };
    }
    for (const w of devices) {
      for (const r of readings.filter((x) => x.byDevice)) {
        const n = db
          .prepare(
            `DELETE FROM ${r.table} WHERE id IN (SELECT id FROM ${r.table} WHERE user_id IS NULL AND device_id = ? AND ${r.time} >= ? AND ${r.time} <= ? LIMIT ?)`,
          )
          .run(w.device_id, w.from, w.to, limit).changes;
        if (n > 0) return { table: r.table, deleted: n };
      }
      const n = db
        .prepare(
          'DELETE FROM stream_chunks WHERE id IN (SELECT id FROM stream_chunks WHERE device_id = ? AND started_at >= ? AND started_at <= ? LIMIT ?)',
        )
        .run(w.device_id, w.from, w.to, limit).changes;
      if (n > 0) return { table: 'stream_chunks', deleted: n };
    }
    return undefined;
  });
}

/** The last step: the dancer's records and account go; the erasure is done and queued for the cloud. */
export function finishErasure(sql: Sql, erasureId: number, subjectId: number, erased: Erased): Erased {
  const db = sql.sqlite;
  const total: Erased = { ...erased };
  const add = (table: string, n: number): void => {
    if (n > 0) total[table] = (total[table] ?? 0) + n;
  };
  sql.tx(() => {
    for (const table of records)
      add(table, db.prepare(`DELETE FROM ${table} WHERE user_id = ?`).run(subjectId).changes);
    add('access_log', db.prepare('DELETE FROM access_log WHERE subject_id = ?').run(subjectId).changes);
    // What they read of others stays accountable, under no name.
    db.prepare("UPDATE access_log SET actor = '(erased account)' WHERE actor_id = ?").run(subjectId);
    add('dancer_slots', db.prepare('DELETE FROM dancer_slots WHERE holder = ?').run(`user:${subjectId}`).changes);
    add('users', db.prepare('DELETE FROM users WHERE id = ?').run(subjectId).changes);
    sql.run(
      sql.db
        .updateTable('erasures')
        .set({ finished_at: sql.now(), erased: JSON.stringify(total) })
        .where('id', '=', erasureId),
    );
    sql.outbox('erasures', erasureId);
  });
  return total;
}

/** Erasures begun but not finished (the box stopped halfway), to complete. */
export function unfinishedErasures(sql: Sql) {
  return sql.all(
    sql.db.selectFrom('erasures').select(['id', 'subject_id', 'devices', 'erased']).where('finished_at', 'is', null),
  );
}

/** The erasures of the id `subjectId`, newest first. */
export function erasuresOf(sql: Sql, subjectId: number) {
  return sql.all(sql.db.selectFrom('erasures').selectAll().where('subject_id', '=', subjectId).orderBy('id', 'desc'));
}

/** Every erasure, newest first (what an admin shows a regulator). */
export function listErasures(sql: Sql, limit: number) {
  return sql.all(sql.db.selectFrom('erasures').selectAll().orderBy('id', 'desc').limit(limit));
}
