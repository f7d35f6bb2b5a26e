/**
 * Movement patterns as the pipeline needs them: the learned prototype and typical duration
 * kept in `movement_patterns.pattern_data` (written by the API or `codance patterns learn`).
 * Patterns without a prototype (defined by name only) are not detected.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { learnedPatternSchema } from '../../models/patterns/learn.js';
import { patternRows } from '../store/repositories/patterns.js';

export interface DetectablePattern {
  id: number;
  name: string;
  vector: Float32Array;
  durationS: number;
}

export function loadPatterns(sqlite: BetterSqlite3.Database): DetectablePattern[] {
  const rows = patternRows(sqlite);
  const out: DetectablePattern[] = [];
  for (const r of rows) {
    let json: unknown;
    try {
      json = JSON.parse(r.pattern_data);
    } catch {
      continue;
    }
    const p = learnedPatternSchema.safeParse(json);
    if (p.success)
      out.push({ id: r.id, name: r.name, vector: Float32Array.from(p.data.prototype), durationS: p.data.durationS });
  }
  return out;
}
