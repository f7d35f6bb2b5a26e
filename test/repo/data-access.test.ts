/**
 * One data-access seam: the box's store is queried only in daemon/store/ (its repositories,
 * the batch writer, retention, the outbox). Anywhere else, a prepared statement or a Kysely
 * query fails here, naming the file and line. The cloud's own database (sync/cloud/) is a
 * different store with its own modules.
 */
import { ROOT } from '../helpers/daemon-process.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SOURCES = ['config', 'daemon', 'drivers', 'models', 'sync'];
const ALLOWED = ['daemon/store/', 'sync/cloud/'];

/** better-sqlite3 statements and raw SQL, and Kysely query builders. */
const QUERY = [
  /\.prepare\(/,
  /\.(exec|pragma)\(\s*['"`]/,
  /\.(selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto)\(/,
  /\bsql\.db\b/,
];

export function queriesIn(text: string): number[] {
  return text.split('\n').flatMap((line, i) => (QUERY.some((re) => re.test(line)) ? [i + 1] : []));
}

describe('data access', () => {
  it('queries the box store only inside daemon/store/', () => {
    const found: string[] = [];
    for (const top of SOURCES)
      for (const f of readdirSync(join(ROOT, top), { recursive: true, encoding: 'utf8' })) {
        const file = join(top, f);
        if (!file.endsWith('.ts') || file.includes('node_modules') || ALLOWED.some((a) => file.startsWith(a))) continue;
        for (const line of queriesIn(readFileSync(join(ROOT, file), 'utf8'))) found.push(`${file}:${line}`);
      }
    expect(found).toEqual([]);
  });

  it('sees a query written outside the seam', () => {
    expect(queriesIn("const row = sqlite.prepare('SELECT 1').get();")).toEqual([1]);
    expect(queriesIn('x\nsql.first(sql.db.selectFrom("users").selectAll());')).toEqual([2]);
    expect(queriesIn("db.exec('DELETE FROM users')")).toEqual([1]);
    // A regular expression's exec is not a query.
    expect(queriesIn('const m = /a/.exec(text);')).toEqual([]);
  });
});
