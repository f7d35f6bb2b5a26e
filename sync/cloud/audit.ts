/**
 * The cloud's access log: who read dancers' data on the dashboard or through the API (a
 * session's readings, its per-dancer figures, a CSV export, a pseudonym's export), and the
 * organisation's privacy actions (retention changed). Kept `--audit-days` (sync/cloud/retention.ts).
 */
import type { Kysely } from 'kysely';
import type { Principal } from './accounts.js';
import type { CloudDatabase } from './schema.js';

/** Streams that are not one dancer's data (the room's own state and outputs). */
const roomStreams = new Set(['crowd', 'sound', 'visualization']);

export const isDancerStream = (stream: string): boolean => !roomStreams.has(stream);

export async function audit(
  db: Kysely<CloudDatabase>,
  entry: { orgId: number; who: Principal; at: number; action: string; detail: Record<string, unknown> },
): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      org_id: entry.orgId,
      at: entry.at,
      actor_id: entry.who.kind === 'user' ? entry.who.id : null,
      actor: entry.who.kind === 'user' ? entry.who.email : `box:${entry.who.uid}`,
      action: entry.action,
      detail: JSON.stringify(entry.detail),
    })
    .execute();
}

export async function auditPage(
  db: Kysely<CloudDatabase>,
  orgId: number,
  q: { from?: number; beforeId?: number; limit: number },
) {
  let sel = db.selectFrom('audit_log').selectAll().where('org_id', '=', orgId);
  if (q.from !== undefined) sel = sel.where('at', '>=', q.from);
  if (q.beforeId !== undefined) sel = sel.where('id', '<', q.beforeId);
  const rows = await sel.orderBy('id', 'desc').limit(q.limit).execute();
  return rows.map((r) => ({
    id: Number(r.id),
    at: new Date(Number(r.at)).toISOString(),
    actor_id: r.actor_id === null ? null : Number(r.actor_id),
    actor: r.actor,
    action: r.action,
    detail: JSON.parse(r.detail) as Record<string, unknown>,
  }));
}
