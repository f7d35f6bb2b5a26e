/**
 * Choreography tasks (a generation as a persisted job with its stage and progress, surviving
 * a restart) and saved collections. FROZEN.
 */
import { sql, type Kysely } from 'kysely';

const statements = [
  `CREATE TABLE choreo_tasks (
    id INTEGER PRIMARY KEY,
    user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    song_id INTEGER REFERENCES songs(id) ON DELETE SET NULL,
    query TEXT NOT NULL,
    params TEXT,
    seed INTEGER NOT NULL,
    render INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'analysing', 'planning', 'rendering', 'completed', 'failed', 'cancelled')),
    progress REAL NOT NULL DEFAULT 0,
    error TEXT,
    blueprint TEXT,
    video_path TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    started_at INTEGER,
    finished_at INTEGER
  )`,
  `CREATE INDEX choreo_tasks_status ON choreo_tasks(status, id)`,
  `CREATE INDEX choreo_tasks_user ON choreo_tasks(user_id, id)`,
  // A song selection may name the library song it is (the platform's selections, now backed by audio).
  `ALTER TABLE song_selections ADD COLUMN song_id INTEGER REFERENCES songs(id) ON DELETE SET NULL`,
  `CREATE TABLE collections (
    id INTEGER PRIMARY KEY,
    user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT,
    song_id INTEGER REFERENCES songs(id) ON DELETE SET NULL,
    task_id INTEGER REFERENCES choreo_tasks(id) ON DELETE SET NULL,
    blueprint TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  )`,
  `CREATE INDEX collections_user ON collections(user_id, id)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw('DROP TABLE collections').execute(db);
  await sql.raw('DROP TABLE choreo_tasks').execute(db);
  await sql.raw('ALTER TABLE song_selections DROP COLUMN song_id').execute(db);
}
