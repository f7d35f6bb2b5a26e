/**
 * A consistent online backup through SQLite's backup API: safe while the daemon writes
 * (WAL readers see one snapshot). Written to a temporary file and renamed into place, so
 * FILE is either the old backup or a complete new one, never half of one.
 */
import { renameSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { StoreOpenError } from './database.js';

export interface BackupResult {
  file: string;
  pages: number;
  integrity: string;
}

export async function backupDatabase(storePath: string, file: string): Promise<BackupResult> {
  const target = resolve(file);
  const tmp = `${target}.partial-${process.pid}`;
  let source: BetterSqlite3.Database;
  try {
    source = new BetterSqlite3(resolve(storePath), { fileMustExist: true });
    source.pragma('busy_timeout = 5000');
  } catch (err) {
    throw new StoreOpenError(resolve(storePath), err);
  }
  try {
    const { totalPages } = await source.backup(tmp);
    const check = new BetterSqlite3(tmp, { readonly: true });
    const integrity = String(check.pragma('integrity_check', { simple: true }));
    check.close();
    if (integrity !== 'ok') throw new Error(`backup failed its integrity check: ${integrity}`);
    renameSync(tmp, target);
    return { file: target, pages: totalPages, integrity };
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  } finally {
    source.close();
  }
}
