/**
 * The cloud's own migrations, one list for both dialects: the SQL differs only in how an
 * auto-increment key is spelt. Applied by `codance cloud` at start (Kysely's Migrator takes
 * a lock on PostgreSQL, so several cloud processes may start at once). FROZEN once released.
 */
import { randomBytes } from 'node:crypto';
import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { syncClasses } from '../contract.js';
import { DAY_MS, PART_MAX, PART_MIN, partitionName, timedClass } from './partitions.js';

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

/**
 * Storage at fleet scale: on PostgreSQL `records` becomes a table partitioned by entity, with
 * features and raw chunks each partitioned by day of `part_at` (sync/cloud/partitions.ts); the
 * existing rows are copied across once. Session summaries, kept up to date at ingest, are
 * derived data: `codance cloud` fills them at start when they are missing or of an older kind.
 */
function partitioned(dialect: Dialect): Migration {
  const timed = [...syncClasses.features, ...syncClasses.raw].map((e) => `'${e}'`).join(', ');
  const partAt = `CASE WHEN entity IN (${timed}) THEN (CASE WHEN at IS NULL OR at < ${PART_MIN} THEN ${PART_MIN} WHEN at > ${PART_MAX} THEN ${PART_MAX} ELSE at END) ELSE 0 END`;
  const summaries = [
    `CREATE TABLE session_streams (
      box_id BIGINT NOT NULL, event_id BIGINT NOT NULL, entity TEXT NOT NULL, stream TEXT NOT NULL,
      n BIGINT NOT NULL, first_at BIGINT, last_at BIGINT, PRIMARY KEY (box_id, event_id, entity, stream)
    )`,
    `CREATE TABLE session_crowd (
      box_id BIGINT NOT NULL, event_id BIGINT NOT NULL, samples BIGINT NOT NULL, energy_sum DOUBLE PRECISION NOT NULL,
      energy_n BIGINT NOT NULL, arousal_sum DOUBLE PRECISION NOT NULL, arousal_n BIGINT NOT NULL, peak_active BIGINT NOT NULL,
      PRIMARY KEY (box_id, event_id)
    )`,
    `CREATE TABLE session_dancer_stats (
      box_id BIGINT NOT NULL, event_id BIGINT NOT NULL, user_ref BIGINT NOT NULL, first_at BIGINT, last_at BIGINT,
      hr_n BIGINT NOT NULL, hr_sum DOUBLE PRECISION NOT NULL, hr_max DOUBLE PRECISION, eda_n BIGINT NOT NULL,
      eda_sum DOUBLE PRECISION NOT NULL, ar_n BIGINT NOT NULL, ar_sum DOUBLE PRECISION NOT NULL, ar_high BIGINT NOT NULL,
      patterns BIGINT NOT NULL, PRIMARY KEY (box_id, event_id, user_ref)
    )`,
  ];
  const sqlite = [
    `ALTER TABLE records ADD COLUMN part_at BIGINT NOT NULL DEFAULT 0`,
    `UPDATE records SET part_at = ${partAt}`,
  ];
  const postgres = [
    `ALTER TABLE records RENAME TO records_unpartitioned`,
    `DROP INDEX records_session`,
    `DROP INDEX records_sessions`,
    `DROP INDEX records_user`,
    `ALTER SEQUENCE records_id_seq OWNED BY NONE`,
    `CREATE TABLE records (
      id BIGINT NOT NULL DEFAULT nextval('records_id_seq'), box_id BIGINT NOT NULL REFERENCES boxes(id), entity TEXT NOT NULL,
      entity_id BIGINT NOT NULL, seq BIGINT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0, event_id BIGINT, at BIGINT,
      stream TEXT, user_ref BIGINT, data TEXT NOT NULL, received_at BIGINT NOT NULL, part_at BIGINT NOT NULL DEFAULT 0,
      UNIQUE (box_id, entity, entity_id, part_at)
    ) PARTITION BY LIST (entity)`,
    `CREATE TABLE records_features PARTITION OF records FOR VALUES IN (${syncClasses.features.map((e) => `'${e}'`).join(', ')}) PARTITION BY RANGE (part_at)`,
    `CREATE TABLE records_raw PARTITION OF records FOR VALUES IN (${syncClasses.raw.map((e) => `'${e}'`).join(', ')}) PARTITION BY RANGE (part_at)`,
    `CREATE TABLE records_keyed PARTITION OF records DEFAULT`,
    `CREATE UNIQUE INDEX records_keyed_id ON records_keyed (id)`,
    `CREATE INDEX records_session ON records (box_id, event_id, stream, at, id)`,
    `CREATE INDEX records_sessions ON records (entity, box_id, at)`,
    `CREATE INDEX records_user ON records (box_id, user_ref)`,
  ];
  return {
    async up(db: Kysely<unknown>) {
      for (const s of dialect === 'postgres' ? postgres : sqlite) await sql.raw(s).execute(db);
      if (dialect === 'postgres') {
        const days = await sql<{ entity: string; day: number }>`
          SELECT DISTINCT entity, floor((${sql.raw(partAt)}) / ${DAY_MS}::numeric)::bigint AS day
          FROM records_unpartitioned WHERE entity IN (${sql.raw(timed)})`.execute(db);
        const made = new Set<string>();
        for (const { entity, day } of days.rows) {
          const cls = timedClass(entity)!;
          const name = partitionName(cls, Number(day));
          if (made.has(name)) continue;
          made.add(name);
          const from = Number(day) * DAY_MS;
          await sql
            .raw(
              `CREATE TABLE ${name} PARTITION OF ${cls === 'raw' ? 'records_raw' : 'records_features'} FOR VALUES FROM (${from}) TO (${from + DAY_MS})`,
            )
            .execute(db);
        }
        await sql
          .raw(
            `INSERT INTO records (id, box_id, entity, entity_id, seq, deleted, event_id, at, stream, user_ref, data, received_at, part_at)
             SELECT id, box_id, entity, entity_id, seq, deleted, event_id, at, stream, user_ref, data, received_at, ${partAt} FROM records_unpartitioned`,
          )
          .execute(db);
        await sql.raw(`DROP TABLE records_unpartitioned`).execute(db);
        await sql.raw(`ALTER SEQUENCE records_id_seq OWNED BY records.id`).execute(db);
      }
      for (const s of summaries) await sql.raw(s).execute(db);
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
        '2026-11-30T02-00-00-partitions': partitioned(dialect),
      }),
  };
}
