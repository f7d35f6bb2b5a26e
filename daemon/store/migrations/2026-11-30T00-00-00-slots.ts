/**
 * Dancer slots: the number (1..N) each dancer holds for an event (or on the floor when no
 * event runs), so outputs address "dancer 3" rather than a wearable that may be swapped.
 * Local to the box: slots are an output patch, not a record the cloud keeps. FROZEN.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `CREATE TABLE dancer_slots (
        scope TEXT NOT NULL,
        holder TEXT NOT NULL,
        slot INTEGER NOT NULL CHECK (slot >= 1),
        assigned_at INTEGER NOT NULL,
        PRIMARY KEY (scope, holder),
        UNIQUE (scope, slot)
      )`,
    )
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw('DROP TABLE dancer_slots').execute(db);
}
