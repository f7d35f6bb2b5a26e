/**
 * Refresh tokens for the local API. Only a SHA-256 of each token is kept, so a copy of the
 * database cannot be used to log in. A family is one login's chain of rotated tokens: a
 * token presented twice means it was stolen, and the whole family is revoked. FROZEN.
 */
import { sql, type Kysely } from 'kysely';

const statements = [
  `CREATE TABLE refresh_tokens (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    family TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER
  )`,
  `CREATE INDEX refresh_tokens_family ON refresh_tokens(family)`,
  `CREATE INDEX refresh_tokens_user ON refresh_tokens(user_id)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw('DROP TABLE IF EXISTS refresh_tokens').execute(db);
}
