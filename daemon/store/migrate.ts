/**
 * Runs the frozen migrations in order (Kysely's Migrator: one at a time, under its lock
 * table). A failure is turned into one clear sentence naming the migration and the reason,
 * and the start stops there: a half-migrated box must never take data.
 */
import { Migrator, type Kysely, type MigrationResultSet } from 'kysely';
import { migrations } from './migrations/index.js';

export class MigrationError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'MigrationError';
  }
}

export interface MigrationReport {
  applied: string[];
  current: string | undefined;
}

export async function migrateToLatest(db: Kysely<unknown>): Promise<MigrationReport> {
  // The store's dialect declares transactional DDL (see database.ts), so the Migrator runs the
  // whole pending set, with its bookkeeping rows, in one transaction: a failure changes nothing.
  const migrator = new Migrator({ db, provider: { getMigrations: () => Promise.resolve(migrations) } });
  let result: MigrationResultSet;
  try {
    result = await migrator.migrateToLatest();
  } catch (err) {
    throw new MigrationError(`store migration failed: ${err instanceof Error ? err.message : String(err)}`, err);
  }
  const failed = result.results?.find((r) => r.status === 'Error');
  if (result.error) {
    const reason = result.error instanceof Error ? result.error.message : JSON.stringify(result.error);
    const which = failed ? `migration ${failed.migrationName} failed` : 'migrations could not run';
    // Kysely reports a database made by a newer Codance as "corrupted migrations".
    const hint = /corrupted migrations/i.test(reason)
      ? ' (this database was written by a newer Codance version; run that version or restore a backup)'
      : ' (the database is unchanged by this migration; fix the cause or restore a backup, then start again)';
    throw new MigrationError(`store ${which}: ${reason}${hint}`, result.error);
  }
  const names = Object.keys(migrations).sort();
  return {
    applied: (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName),
    current: names.at(-1),
  };
}
