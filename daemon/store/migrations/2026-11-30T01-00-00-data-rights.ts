/**
 * Dancers' data rights: every grant and withdrawal of a consent (with who changed it and how),
 * the erasures carried out (who asked, when, what was deleted: never the erased data itself),
 * and the access log of who read a dancer's biometrics. FROZEN.
 */
import { sql, type Kysely } from 'kysely';

const statements = [
  `CREATE TABLE consent_changes (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    consent TEXT NOT NULL CHECK (consent IN ('biometrics', 'cloud_sync')),
    granted INTEGER NOT NULL CHECK (granted IN (0, 1)),
    changed_at INTEGER NOT NULL,
    -- the account that made the change (the dancer themself); NULL when not known
    changed_by INTEGER,
    via TEXT NOT NULL
  )`,
  `CREATE INDEX consent_changes_user ON consent_changes(user_id, id)`,
  // What the box knew before it kept a history: each consent as it stands, once.
  `INSERT INTO consent_changes (user_id, consent, granted, changed_at, changed_by, via)
     SELECT id, 'biometrics', consent_biometrics, coalesce(consent_updated_at, created_at), NULL, 'before history'
     FROM users WHERE consent_biometrics = 1 OR consent_updated_at IS NOT NULL`,
  `INSERT INTO consent_changes (user_id, consent, granted, changed_at, changed_by, via)
     SELECT id, 'cloud_sync', consent_cloud_sync, coalesce(consent_updated_at, created_at), NULL, 'before history'
     FROM users WHERE consent_cloud_sync = 1 OR consent_updated_at IS NOT NULL`,
  `CREATE TABLE erasures (
    id INTEGER PRIMARY KEY,
    -- the id the dancer had on this box: no name, email or pseudonym is kept
    subject_id INTEGER NOT NULL,
    requested_by INTEGER,
    requested_role TEXT NOT NULL,
    via TEXT NOT NULL,
    requested_at INTEGER NOT NULL,
    finished_at INTEGER,
    -- the wearables the dancer wore and when ([{device_id, from, to}]): where their unnamed raw data is
    devices TEXT NOT NULL DEFAULT '[]',
    -- rows deleted per table
    erased TEXT NOT NULL DEFAULT '{}'
  )`,
  `CREATE INDEX erasures_subject ON erasures(subject_id)`,
  `CREATE TABLE access_log (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor_id INTEGER,
    actor TEXT NOT NULL,
    actor_role TEXT NOT NULL,
    -- the dancer whose data was read; NULL when the read covered several
    subject_id INTEGER,
    action TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '{}'
  )`,
  `CREATE INDEX access_log_at ON access_log(at)`,
  `CREATE INDEX access_log_subject ON access_log(subject_id, at)`,
  // An export or erasure finds a dancer's rows by user_id (and deleting an account checks its foreign keys by it).
  `CREATE INDEX inferences_user ON inferences(user_id)`,
  `CREATE INDEX movement_data_user ON movement_data(user_id)`,
  `CREATE INDEX detected_patterns_user ON detected_patterns(user_id)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const i of ['inferences_user', 'movement_data_user', 'detected_patterns_user'])
    await sql.raw(`DROP INDEX ${i}`).execute(db);
  for (const t of ['access_log', 'erasures', 'consent_changes']) await sql.raw(`DROP TABLE ${t}`).execute(db);
}
