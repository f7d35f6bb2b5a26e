/**
 * Backup and restore as a technician does them: a backup while the daemon writes, a restore
 * refused while it runs, then done with it stopped; the daemon starts on the restored store and
 * writes on. Bad backups are refused with the store untouched.
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { freePort, startDaemon, tempDir, waitForHealth } from '../helpers/daemon-process.js';
import { runCli } from '../helpers/run-cli.js';
import { createAccount } from '../helpers/technician-daemon.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function count(db: string, query: string): number {
  const b = new BetterSqlite3(db, { readonly: true });
  try {
    return (b.prepare(query).get() as { n: number }).n;
  } finally {
    b.close();
  }
}
const samples = (db: string) => count(db, 'SELECT count(*) AS n FROM biometric_data');
const hasUser = (db: string, name: string) =>
  count(db, `SELECT count(*) AS n FROM users WHERE username = '${name}'`) === 1;

async function daemonOn(env: Record<string, string>) {
  const port = await freePort();
  const d = startDaemon({ port, env });
  await waitForHealth(port);
  return d;
}

describe('codance db restore', () => {
  it('round-trips a backup taken while the daemon writes, refusing while it runs, keeping the old store aside', async () => {
    const dir = tempDir('codance-restore-');
    const db = join(dir, 'box.db');
    const env = { CODANCE_STORE__PATH: db, CODANCE_SIMULATION__DANCERS: '8' };
    createAccount(env, 'root', 'admin', 'root passphrase 1');
    let d = await daemonOn(env);
    await sleep(1500);
    const backup = join(dir, 'friday.db');
    expect(runCli(['db', 'backup', backup], env).code).toBe(0);
    const inBackup = samples(backup);
    expect(inBackup).toBeGreaterThan(0);
    createAccount(env, 'late', 'dancer', 'late passphrase 1'); // after the backup: gone once it is restored

    const refused = runCli(['db', 'restore', backup], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      new RegExp(
        `store ${db.replace(/[.]/g, '\\.')} is open in process ${d.child.pid} \\(the daemon\\?\\): stop it first`,
      ),
    );
    expect(hasUser(db, 'late')).toBe(true);

    d.child.kill('SIGTERM');
    await d.exited;
    const beforeRestore = samples(db);
    expect(beforeRestore).toBeGreaterThan(inBackup);
    const r = runCli(['db', 'restore', backup], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^restored .*friday\.db into .*box\.db \(backup schema \d{4}-.*\)$/m);
    expect(r.stdout).toMatch(/^schema: up to date$/m);
    const kept = /the previous store is kept at (\S+)/.exec(r.stdout)?.[1];
    expect(kept && existsSync(kept)).toBe(true);
    // The kept store is the whole old one, the restored one is the backup.
    expect(hasUser(kept!, 'late')).toBe(true);
    expect(samples(kept!)).toBe(beforeRestore);
    expect(hasUser(db, 'late')).toBe(false);
    expect(hasUser(db, 'root')).toBe(true);
    expect(samples(db)).toBe(inBackup);
    expect(readdirSync(dir).filter((f) => f.includes('.restoring-'))).toEqual([]);

    // The daemon runs on the restored store and writes on.
    d = await daemonOn(env);
    await sleep(1500);
    d.child.kill('SIGTERM');
    await d.exited;
    expect(samples(db)).toBeGreaterThan(inBackup);
    const check = new BetterSqlite3(db, { readonly: true });
    expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
    check.close();
  });

  it('refuses a file that is not a sound Codance backup, or one from a newer version, leaving the store as it was', () => {
    const dir = tempDir('codance-restore-');
    const db = join(dir, 'box.db');
    const env = { CODANCE_STORE__PATH: db };
    createAccount(env, 'root', 'admin', 'root passphrase 1');
    const junk = join(dir, 'junk.db');
    writeFileSync(junk, 'not a database at all, just text');
    const newer = join(dir, 'newer.db');
    expect(runCli(['db', 'backup', newer], env).code).toBe(0);
    const n = new BetterSqlite3(newer);
    n.prepare(`INSERT INTO kysely_migration (name, timestamp) VALUES ('2099-01-01T00-00-00-future', '2099')`).run();
    n.close();
    const other = join(dir, 'other.db');
    const o = new BetterSqlite3(other);
    o.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)');
    o.close();
    const cases: [string, RegExp][] = [
      [junk, /junk\.db is not a Codance store backup|cannot open the backup .*junk\.db|fails SQLite's integrity check/],
      [newer, /was written by a newer Codance \(migration 2099-01-01T00-00-00-future is unknown/],
      [other, /other\.db is not a Codance store backup/],
      [join(dir, 'missing.db'), /cannot open the backup .*missing\.db/],
    ];
    for (const [file, message] of cases) {
      const r = runCli(['db', 'restore', file], env);
      expect(r.code, file).toBe(1);
      expect(r.stderr).toMatch(message);
    }
    expect(hasUser(db, 'root')).toBe(true);
    expect(readdirSync(dir).filter((f) => f.includes('before-restore'))).toEqual([]);
  });
});
