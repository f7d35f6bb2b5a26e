/**
 * The key that signs access tokens: `auth.jwtSecret` when configured (several boxes behind
 * one login, or a secret manager), else 32 random bytes made once and kept in the store, so
 * tokens survive a restart without anyone having to invent a secret.
 */
import { randomBytes } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';

export function jwtSecret(configured: string | undefined, sqlite: BetterSqlite3.Database): string {
  if (configured) return configured;
  sqlite
    .prepare(`INSERT OR IGNORE INTO box_meta (key, value) VALUES ('jwt_secret', ?)`)
    .run(randomBytes(32).toString('base64url'));
  return (sqlite.prepare(`SELECT value FROM box_meta WHERE key = 'jwt_secret'`).get() as { value: string }).value;
}
