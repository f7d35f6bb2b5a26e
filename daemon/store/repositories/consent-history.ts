/** Each grant and withdrawal of a dancer's consents, with when, who and how: kept until the dancer is erased. */
import type { Sql } from '../sql.js';

export type ConsentKind = 'biometrics' | 'cloud_sync';

export interface ConsentChange {
  consent: ConsentKind;
  granted: boolean;
  /** The account that changed it (the dancer themself, or staff creating the account). */
  by: number | null;
  /** `api`, `registration`, `cli`... */
  via: string;
}

/** Call inside the transaction that changes the users row, so the history never disagrees with it. */
export function recordConsentChange(sql: Sql, userId: number, change: ConsentChange): void {
  sql.run(
    sql.db.insertInto('consent_changes').values({
      user_id: userId,
      consent: change.consent,
      granted: change.granted ? 1 : 0,
      changed_at: sql.now(),
      changed_by: change.by,
      via: change.via,
    }),
  );
}

/** A dancer's consent history, oldest first. */
export function consentHistory(sql: Sql, userId: number) {
  return sql.all(
    sql.db
      .selectFrom('consent_changes')
      .select(['id', 'consent', 'granted', 'changed_at', 'changed_by', 'via'])
      .where('user_id', '=', userId)
      .orderBy('id'),
  );
}
