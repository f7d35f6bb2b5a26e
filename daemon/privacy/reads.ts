/**
 * Reads of a dancer's biometrics by someone else go to the access log, one entry per dancer
 * read (so each dancer's export and an admin's query by dancer find it). A dancer reading their
 * own data is not logged: it is their right, not an access to account for.
 */
import { logAccess } from '../store/repositories/access-log.js';
import type { Sql } from '../store/sql.js';

export interface Reader {
  id: number;
  username: string;
  role: string;
}

export function logReads(
  sql: Sql,
  reader: Reader,
  rows: readonly Record<string, unknown>[],
  action: string,
  detail: Record<string, unknown> = {},
): void {
  const per = new Map<number, number>();
  for (const r of rows) {
    const who = r.user_id;
    if (typeof who === 'number' && who !== reader.id) per.set(who, (per.get(who) ?? 0) + 1);
  }
  for (const [subjectId, n] of per)
    logAccess(sql, {
      actor: { id: reader.id, username: reader.username, role: reader.role },
      subjectId,
      action,
      detail: { ...detail, rows: n },
    });
}
