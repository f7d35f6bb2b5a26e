/**
 * The access log: who read a dancer's biometrics, when, and how (the console's vitals stream,
 * API reads, an export). Kept `retention.days.audit` days (daemon/store/retention.ts).
 */
import type { Sql } from '../sql.js';

export interface AccessEntry {
  actor: { id: number | null; username: string; role: string };
  /** The dancer whose data was read; null when the read covered several dancers. */
  subjectId: number | null;
  action: string;
  detail?: Record<string, unknown>;
}

export function logAccess(sql: Sql, entry: AccessEntry): void {
  sql.run(
    sql.db.insertInto('access_log').values({
      at: sql.now(),
      actor_id: entry.actor.id,
      actor: entry.actor.username,
      actor_role: entry.actor.role,
      subject_id: entry.subjectId,
      action: entry.action,
      detail: JSON.stringify(entry.detail ?? {}),
    }),
  );
}

export interface AccessFilter {
  subjectId?: number | undefined;
  actorId?: number | undefined;
  from?: number | undefined;
  to?: number | undefined;
  /** Entries older than this id (newest first, for paging). */
  beforeId?: number | undefined;
  limit: number;
}

/** Entries, newest first. */
export function listAccess(sql: Sql, f: AccessFilter) {
  let q = sql.db
    .selectFrom('access_log')
    .select(['id', 'at', 'actor_id', 'actor', 'actor_role', 'subject_id', 'action', 'detail']);
  if (f.subjectId !== undefined) q = q.where('subject_id', '=', f.subjectId);
  if (f.actorId !== undefined) q = q.where('actor_id', '=', f.actorId);
  if (f.from !== undefined) q = q.where('at', '>=', f.from);
  if (f.to !== undefined) q = q.where('at', '<', f.to);
  if (f.beforeId !== undefined) q = q.where('id', '<', f.beforeId);
  return sql.all(q.orderBy('id', 'desc').limit(f.limit));
}
