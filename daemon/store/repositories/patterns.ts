/** Learned movement patterns as stored (`movement_patterns.pattern_data` holds the prototype as JSON). */
import type BetterSqlite3 from 'better-sqlite3';
import type { Sql } from '../sql.js';
import { insertRecord } from './records.js';

export interface PatternRow {
  id: number;
  name: string;
  pattern_data: string;
}

export function patternRows(sqlite: BetterSqlite3.Database): PatternRow[] {
  return sqlite.prepare('SELECT id, name, pattern_data FROM movement_patterns ORDER BY id').all() as PatternRow[];
}

/** Just the names (OSCQuery lists a node per learned pattern). */
export function patternNames(sqlite: BetterSqlite3.Database): string[] {
  return sqlite.prepare('SELECT name FROM movement_patterns ORDER BY id').pluck().all() as string[];
}

export function patternNamed(sqlite: BetterSqlite3.Database, name: string): number | undefined {
  return (sqlite.prepare('SELECT id FROM movement_patterns WHERE name = ?').get(name) as { id: number } | undefined)
    ?.id;
}

/** Stores a learned pattern under a new name and queues it; undefined when the name is taken. */
export function insertPattern(
  sql: Sql,
  values: { name: string; description: string | null; pattern_data: string; at: number },
): number | undefined {
  return sql.tx(() => {
    if (patternNamed(sql.sqlite, values.name) !== undefined) return undefined;
    return insertRecord(sql, 'movement_patterns', {
      name: values.name,
      description: values.description,
      pattern_data: values.pattern_data,
      created_at: values.at,
      updated_at: values.at,
    });
  });
}
