/** Refresh tokens by their SHA-256: issued, looked up, revoked one by one, by login family or by account. */
import type { Insertable } from 'kysely';
import type { RefreshTokensTable } from '../schema.js';
import type { Sql } from '../sql.js';

export function insertRefreshToken(sql: Sql, values: Insertable<RefreshTokensTable>): void {
  sql.run(sql.db.insertInto('refresh_tokens').values(values));
}

export function refreshTokenByHash(sql: Sql, hash: string) {
  return sql.first(sql.db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', hash));
}

export function revokeRefreshToken(sql: Sql, id: number, at: number): void {
  sql.run(sql.db.updateTable('refresh_tokens').set({ revoked_at: at }).where('id', '=', id));
}

/** Revokes every live token of one login (its family), as when a spent token is replayed. */
export function revokeFamily(sql: Sql, family: string, at: number): void {
  sql.run(
    sql.db
      .updateTable('refresh_tokens')
      .set({ revoked_at: at })
      .where('family', '=', family)
      .where('revoked_at', 'is', null),
  );
}

/** Revokes every live token of an account (a new password, a disabled account). */
export function revokeUserTokens(sql: Sql, userId: number, at: number): void {
  sql.run(
    sql.db
      .updateTable('refresh_tokens')
      .set({ revoked_at: at })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null),
  );
}
