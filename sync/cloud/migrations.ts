/**
 * The cloud's own migrations, one list for both dialects: the SQL differs only in how an
 * auto-increment key is spelt. Applied by `codance cloud` at start (Kysely's Migrator takes
 * a lock on PostgreSQL, so several cloud processes may start at once). FROZEN once released.
 */
import { randomBytes } from 'node:crypto';
import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';

export type Dialect = 'sqlite' | 'postgres';

function initial(dialect: Dialect): Migration {
  const id = dialect === 'postgres' ? 'BIGSERIAL PRIMARY KEY' : 'INTEGER PRIMARY KEY';
  const statements = [
    `CREATE TABLE cloud_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
    `CREATE TABLE orgs (id ${id}, name TEXT NOT NULL UNIQUE, created_at BIGINT NOT NULL)`,
    `CREATE TABLE venues (id ${id}, org_id BIGINT NOT NULL REFERENCES orgs(id), name TEXT NOT NULL, created_at BIGINT NOT NULL, UNIQUE (org_id, name))`,
    `CREATE TABLE boxes (
      id ${id}, uid TEXT NOT NULL UNIQUE, venue_id BIGINT NOT NULL REFERENCES venues(id), name TEXT NOT NULL,
      token_hash TEXT NOT NULL UNIQUE, enrolled_at BIGINT NOT NULL, last_seen_at BIGINT, last_seq BIGINT NOT NULL DEFAULT 0
    )`,
    `CREATE TABLE users (id ${id}, email TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL, created_at BIGINT NOT NULL)`,
    `CREATE TABLE memberships (
      user_id BIGINT NOT NULL REFERENCES users(id), org_id BIGINT NOT NULL REFERENCES orgs(id),
      role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'viewer')), created_at BIGINT NOT NULL, PRIMARY KEY (user_id, org_id)
    )`,
    `CREATE TABLE enrolment_codes (
      code_hash TEXT PRIMARY KEY, venue_id BIGINT NOT NULL REFERENCES venues(id), created_by BIGINT NOT NULL,
      created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, used_at BIGINT, used_by_box BIGINT
    )`,
    `CREATE TABLE records (
      id ${id}, box_id BIGINT NOT NULL REFERENCES boxes(id), entity TEXT NOT NULL, entity_id BIGINT NOT NULL,
      seq BIGINT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0, event_id BIGINT, at BIGINT, stream TEXT, user_ref BIGINT,
      data TEXT NOT NULL, received_at BIGINT NOT NULL, UNIQUE (box_id, entity, entity_id)
    )`,
    `CREATE INDEX records_session ON records (box_id, event_id, stream, at, id)`,
    `CREATE INDEX records_sessions ON records (entity, box_id, at)`,
  ];
  return {
    async up(db: Kysely<unknown>) {
      for (const s of statements) await sql.raw(s).execute(db);
      // The signing key for dashboard tokens, shared by every cloud process through the database.
      await sql`INSERT INTO cloud_meta (key, value) VALUES ('jwt_secret', ${randomBytes(32).toString('base64url')})`.execute(
        db,
      );
    },
  };
}

/**
 * Data rights in the cloud: how long each organisation keeps each sync class, and the log of
 * who read dancers' data on the dashboard (and of the organisation's own privacy actions).
 */
function dataRights(dialect: Dialect): Migration {
  const id = dialect === 'postgres' ? 'BIGSERIAL PRIMARY KEY' : 'INTEGER PRIMARY KEY';
  const statements = [
    `CREATE TABLE retention_policies (
      org_id BIGINT NOT NULL REFERENCES orgs(id), class TEXT NOT NULL CHECK (class IN ('records', 'features', 'raw')),
      days INTEGER NOT NULL CHECK (days >= 0), updated_at BIGINT NOT NULL, updated_by BIGINT, PRIMARY KEY (org_id, class)
    )`,
    `CREATE TABLE audit_log (
      id ${id}, org_id BIGINT NOT NULL REFERENCES orgs(id), at BIGINT NOT NULL, actor_id BIGINT, actor TEXT NOT NULL,
      action TEXT NOT NULL, detail TEXT NOT NULL
    )`,
    `CREATE INDEX audit_log_org_at ON audit_log (org_id, at)`,
    // Erasures and retention find a dancer's records by (box, dancer).
    `CREATE INDEX records_user ON records (box_id, user_ref)`,
  ];
  return {
    async up(db: Kysely<unknown>) {
      for (const s of statements) await sql.raw(s).execute(db);
    },
  };
}

/** Rate limits shared by every cloud instance (sync/cloud/rate-limits.ts; the columns are rate-limiter-flexible's). */
function fleet(dialect: Dialect): Migration {
  const statement =
    dialect === 'postgres'
      ? `CREATE TABLE rate_limits (key varchar(255) PRIMARY KEY, points integer NOT NULL DEFAULT 0, expire bigint)`
      : `CREATE TABLE rate_limits (key TEXT PRIMARY KEY, points INTEGER NOT NULL DEFAULT 0, expire INTEGER)`;
  return {
    async up(db: Kysely<unknown>) {
      await sql.raw(statement).execute(db);
    },
  };
}

export function cloudMigrations(dialect: Dialect): MigrationProvider {
  return {
    getMigrations: () =>
      Promise.resolve({
        '2026-11-22T00-00-00-cloud': initial(dialect),
        '2026-11-30T00-00-00-data-rights': dataRights(dialect),
        '2026-11-30T01-00-00-fleet': fleet(dialect),
      }),
  };
}
