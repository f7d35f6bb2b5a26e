/**
 * What the models see and say, kept for the session: one row per model output per dancer
 * (with the features it was given), and the crowd state at its fixed rate. Both go to the
 * cloud through the outbox. FROZEN.
 */
import { sql, type Kysely } from 'kysely';

const statements = [
  `CREATE TABLE inferences (
    id INTEGER PRIMARY KEY,
    device_id INTEGER REFERENCES devices(id),
    user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
    event_id INTEGER REFERENCES events(id) ON DELETE SET NULL,
    at INTEGER NOT NULL,
    model TEXT NOT NULL,
    value REAL NOT NULL,
    inputs TEXT NOT NULL DEFAULT '[]'
  )`,
  `CREATE INDEX inferences_time ON inferences(at)`,
  `CREATE INDEX inferences_device_time ON inferences(device_id, at)`,
  `CREATE TABLE crowd_states (
    id INTEGER PRIMARY KEY,
    event_id INTEGER REFERENCES events(id) ON DELETE SET NULL,
    at INTEGER NOT NULL,
    bpm REAL,
    active_dancers INTEGER NOT NULL,
    energy REAL,
    arousal_mean REAL,
    arousal_p10 REAL,
    arousal_p50 REAL,
    arousal_p90 REAL,
    arousal_high_share REAL,
    beat_synchrony REAL,
    inter_synchrony REAL,
    density REAL
  )`,
  `CREATE INDEX crowd_states_time ON crowd_states(at)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw('DROP TABLE IF EXISTS crowd_states').execute(db);
  await sql.raw('DROP TABLE IF EXISTS inferences').execute(db);
}
