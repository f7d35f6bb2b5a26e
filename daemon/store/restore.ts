/**
 * `codance db restore FILE`: puts a backup in the store's place. Refused while any process has
 * the store open (the daemon would go on writing into a file that is no longer the store), and
 * for a file that is not a sound Codance backup this version can run: the integrity check must
 * pass and every migration the backup records must be one this version knows (a backup from a
 * newer version is refused, an older one is migrated after the restore). The current store is
 * kept aside, as a consistent copy, before anything is replaced.
 */
import { copyFileSync, existsSync, readdirSync, readlinkSync, renameSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { backupDatabase } from './backup.js';
import { CODANCE_APPLICATION_ID, openDatabase } from './database.js';
import { migrateToLatest } from './migrate.js';
import { migrations } from './migrations/index.js';

export class RestoreError extends Error {}

export interface RestoreResult {
  store: string;
  from: string;
  /** The newest migration the backup had. */
  backupSchema: string;
  /** Migrations applied to the restored store to bring it to this version. */
  migrated: string[];
  /** Where the replaced store was kept (undefined: there was none). */
  keptAt: string | undefined;
}

/** Processes other than this one with the store (or its WAL) open, read from /proc. */
export function storeHolders(storePath: string): number[] {
  const paths = new Set(['', '-wal', '-shm'].map((s) => resolve(storePath) + s));
  const holders: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // gone, or another user's (run as root or as the daemon's user to see it)
    }
    for (const fd of fds) {
      let target = '';
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      if (paths.has(target)) {
        holders.push(pid);
        break;
      }
    }
  }
  return holders;
}

/** Checks a backup file and returns its newest migration; a RestoreError says what is wrong with it. */
export function checkBackup(file: string): string {
  let db: BetterSqlite3.Database;
  try {
    db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new RestoreError(`cannot open the backup ${file}: ${(err as Error).message}`);
  }
  try {
    const integrity = String(db.pragma('integrity_check', { simple: true }));
    if (integrity !== 'ok') throw new RestoreError(`the backup ${file} fails SQLite's integrity check: ${integrity}`);
    if (Number(db.pragma('application_id', { simple: true })) !== CODANCE_APPLICATION_ID)
      throw new RestoreError(`${file} is not a Codance store backup (its application id is not Codance's)`);
    const applied = (db.prepare('SELECT name FROM kysely_migration ORDER BY name').all() as { name: string }[]).map(
      (r) => r.name,
    );
    const unknown = applied.filter((name) => !(name in migrations));
    if (unknown.length > 0)
      throw new RestoreError(
        `the backup ${file} was written by a newer Codance (migration ${unknown.join(', ')} is unknown to this version): restore it with that version`,
      );
    const newest = applied.at(-1);
    if (!newest) throw new RestoreError(`the backup ${file} holds no Codance schema`);
    return newest;
  } catch (err) {
    if (err instanceof RestoreError) throw err;
    throw new RestoreError(`${file} is not a Codance store backup: ${(err as Error).message}`);
  } finally {
    db.close();
  }
}

export async function restoreDatabase(storePath: string, file: string, now = new Date()): Promise<RestoreResult> {
  const store = resolve(storePath);
  const from = resolve(file);
  if (from === store) throw new RestoreError('the backup is the store itself');
  const backupSchema = checkBackup(from);
  const holders = storeHolders(store);
  if (holders.length > 0)
    throw new RestoreError(
      `the store ${store} is open in process ${holders.join(', ')} (the daemon?): stop it first (systemctl stop codance), or pass --stop to have systemd stop and restart it`,
    );
  // The current store, kept as one consistent file (its WAL folded in) before anything changes.
  let keptAt: string | undefined;
  if (existsSync(store)) {
    const stamp = now.toISOString().replace(/[:.]/g, '-');
    try {
      keptAt = (await backupDatabase(store, `${store}.before-restore-${stamp}`)).file;
    } catch (err) {
      throw new RestoreError(
        `the current store could not be kept aside, so nothing was changed: ${(err as Error).message}`,
      );
    }
  }
  // Copied next to the store first, then renamed: the store is either the old file or the whole backup.
  const incoming = `${store}.restoring-${process.pid}`;
  try {
    copyFileSync(from, incoming);
    // A WAL left beside the new file would be replayed into it.
    for (const suffix of ['-wal', '-shm']) rmSync(store + suffix, { force: true });
    renameSync(incoming, store);
  } catch (err) {
    rmSync(incoming, { force: true });
    throw new RestoreError(
      `the restore failed before the store was replaced (${(err as Error).message}); the store is as it was`,
    );
  }
  const opened = openDatabase(store, { mustExist: true });
  try {
    const report = await migrateToLatest(opened.db as Kysely<unknown>);
    return { store, from, backupSchema, migrated: report.applied, keptAt };
  } finally {
    await opened.close();
  }
}
