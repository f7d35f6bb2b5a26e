/**
 * The key that signs access tokens: `auth.jwtSecret` when configured (several boxes behind
 * one login, or a secret manager), else 32 random bytes made once and kept in the store, so
 * tokens survive a restart without anyone having to invent a secret.
 */
import { randomBytes } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import { metaValue } from '../../store/repositories/box-meta.js';

export function jwtSecret(configured: string | undefined, sqlite: BetterSqlite3.Database): string {
  if (configured) return configured;
  return metaValue(sqlite, 'jwt_secret', () => randomBytes(32).toString('base64url'));
}
