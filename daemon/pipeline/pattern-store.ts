/**
 * Movement patterns as the pipeline needs them: the learned prototype, its spread and typical
 * duration kept in `movement_patterns.pattern_data` (written by the API or `codance patterns
 * learn`). Patterns without a prototype (defined by name only) are not detected. A pattern
 * learned by the earlier embedding (`gesture-v1`, a standardised-feature prototype) is
 * projected into the current one with the model's own projection, and keeps the model's
 * typical spread.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { storedPatternSchema } from '../../models/patterns/learn.js';
import { project } from '../../models/patterns/lda.js';
import { GESTURE_EMBEDDING_DIMS } from '../../models/patterns/model.js';
import { patternRows } from '../store/repositories/patterns.js';

export interface DetectablePattern {
  id: number;
  name: string;
  vector: Float32Array;
  /** its own spread; undefined: the model's */
  radius2?: number;
  durationS: number;
}

/** `projection`: the gesture model's, for patterns stored in standardised-feature space. */
export function loadPatterns(sqlite: BetterSqlite3.Database, projection?: Float32Array): DetectablePattern[] {
  const out: DetectablePattern[] = [];
  for (const r of patternRows(sqlite)) {
    let json: unknown;
    try {
      json = JSON.parse(r.pattern_data);
    } catch {
      continue;
    }
    const p = storedPatternSchema.safeParse(json);
    if (!p.success) continue;
    const { id, name } = r;
    if (p.data.model === 'gesture-v2') {
      const { prototype, radius2, durationS } = p.data;
      out.push({ id, name, vector: Float32Array.from(prototype), radius2, durationS });
    } else if (projection) {
      const vector = project(p.data.prototype, projection, GESTURE_EMBEDDING_DIMS);
      out.push({ id, name, vector, durationS: p.data.durationS });
    }
  }
  return out;
}
