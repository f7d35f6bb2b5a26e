/**
 * How PostgreSQL runs the dashboard's session page: the statements `sessionSummary` and
 * `sessionData` really issue (captured through Kysely's log), each EXPLAINed on the store as it
 * is, and run (EXPLAIN ANALYZE) for their execution time. A sequential scan of a large part of
 * `records` on a 10 M-record store is the failure this looks for.
 */
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { CloudDatabase } from '../../sync/cloud/schema.js';
import { sessionById, sessionData, sessionSummary } from '../../sync/cloud/sessions.js';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

function walk(n: PlanNode, out: PlanNode[]): PlanNode[] {
  out.push(n);
  for (const c of n.Plans ?? []) walk(c, out);
  return out;
}

export async function sessionPagePlans(
  url: string,
  sessionId: number,
): Promise<{ seqScans: number; seqScanned: string[]; indexes: string[]; statements: number; executionMs: number }> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  const captured: { sql: string; parameters: readonly unknown[] }[] = [];
  const db = new Kysely<CloudDatabase>({
    dialect: new PostgresDialect({ pool }),
    log: (e) => {
      if (e.level === 'query') captured.push({ sql: e.query.sql, parameters: e.query.parameters });
    },
  });
  try {
    const s = await sessionById(db, sessionId);
    captured.length = 0; // the page's own statements only
    await sessionSummary(db, s);
    await sessionData(db, s, { stream: 'hr', limit: 500 });
    let seqScans = 0;
    let executionMs = 0;
    const seqScanned = new Set<string>();
    const indexes = new Set<string>();
    // A sequential scan of a small table (the keyed records of one bench box) is PostgreSQL's right choice.
    const big = new Set(
      (
        await pool.query<{ relname: string }>(
          `SELECT relname FROM pg_class WHERE relname LIKE 'records%' AND relkind = 'r' AND reltuples > 10000`,
        )
      ).rows.map((r) => r.relname),
    );
    for (const q of captured) {
      const r = await pool.query<{ 'QUERY PLAN': { Plan: PlanNode; 'Execution Time': number }[] }>(
        `EXPLAIN (ANALYZE, FORMAT JSON) ${q.sql}`,
        [...q.parameters],
      );
      executionMs += r.rows[0]!['QUERY PLAN'][0]!['Execution Time'];
      for (const n of walk(r.rows[0]!['QUERY PLAN'][0]!.Plan, [])) {
        if (n['Node Type'] === 'Seq Scan' && n['Relation Name']) seqScanned.add(n['Relation Name']);
        // `records` and its partitions (records_keyed, records_f_20261130...).
        if (n['Node Type'] === 'Seq Scan' && big.has(n['Relation Name'] ?? '')) seqScans++;
        if (n['Index Name']) indexes.add(n['Index Name']);
      }
    }
    return {
      seqScans,
      seqScanned: [...seqScanned].sort(),
      indexes: [...indexes].sort(),
      statements: captured.length,
      executionMs,
    };
  } finally {
    await db.destroy();
  }
}
