/**
 * Cloud sync: a dancer's separate consent to their biometrics leaving the box, the outbox
 * index the sync client reads by (entity, seq), and the acknowledged cursor per entity (the
 * client advances it only when the cloud has acknowledged a batch). FROZEN.
 */
import { sql, type Kysely } from 'kysely';

const statements = [
  `ALTER TABLE users ADD COLUMN consent_cloud_sync INTEGER NOT NULL DEFAULT 0`,
  `CREATE INDEX outbox_entity_seq ON outbox(entity, seq)`,
  `CREATE TABLE sync_cursors (
    entity TEXT PRIMARY KEY,
    acked_seq INTEGER NOT NULL,
    acked_at INTEGER NOT NULL
  )`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw('DROP TABLE sync_cursors').execute(db);
  await sql.raw('DROP INDEX outbox_entity_seq').execute(db);
  await sql.raw('ALTER TABLE users DROP COLUMN consent_cloud_sync').execute(db);
}
