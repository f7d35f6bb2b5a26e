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

/** Revokes every live token of `where` = `value`: one login's family, or all of an account's. */
export function revokeRefreshTokens(sql: Sql, where: 'family' | 'user_id', value: string | number, at: number): void {
  sql.run(
    sql.db
      .updateTable('refresh_tokens')
      .set({ revoked_at: at })
      .where(where, '=', value as never)
      .where('revoked_at', 'is', null),
  );
}
