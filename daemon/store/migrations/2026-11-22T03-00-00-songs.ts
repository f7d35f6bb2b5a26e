/**
 * The song library: audio files imported on the box (kept in the database with everything
 * else, so a backup holds them) and each one's analysis (tempo, beats, count), which is what
 * lets the music clock follow a song the box plays. FROZEN.
 */
import { sql, type Kysely } from 'kysely';

const statements = [
  `CREATE TABLE songs (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    artist TEXT,
    mime_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    data BLOB NOT NULL,
    duration_s REAL NOT NULL,
    tempo REAL,
    analysis TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  )`,
  `CREATE INDEX songs_title ON songs(title)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw('DROP TABLE IF EXISTS songs').execute(db);
}
