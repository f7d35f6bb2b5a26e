/**
 * Choreography tasks as the task runner moves them along: pending, a stage with its
 * progress, completed with its blueprint and video, failed or cancelled. A task is never
 * moved out of an ended state (a cancel wins over a late completion).
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Insertable } from 'kysely';
import type { ChoreoTasksTable } from '../schema-music.js';
import type { Sql } from '../sql.js';

export interface TaskToRun {
  id: number;
  song_id: number | null;
  query: string;
  params: string | null;
  seed: number;
  render: number;
}

const RUNNING = `('analysing', 'planning', 'rendering')`;

export class ChoreoTaskStore {
  private readonly next: BetterSqlite3.Statement<[], { id: number }>;
  private readonly stageUpdate: BetterSqlite3.Statement;

  constructor(private readonly sqlite: BetterSqlite3.Database) {
    this.next = sqlite.prepare(`SELECT id FROM choreo_tasks WHERE status = 'pending' ORDER BY id LIMIT 1`);
    this.stageUpdate = sqlite.prepare(
      `UPDATE choreo_tasks SET status = ?, progress = ?, updated_at = ? WHERE id = ? AND status NOT IN ('cancelled', 'completed', 'failed')`,
    );
  }

  /** Tasks a restart interrupted: pending again, or failed once they were tried `maxAttempts` times. */
  resumeInterrupted(at: number, maxAttempts: number): void {
    this.sqlite
      .prepare(
        `UPDATE choreo_tasks SET status = 'failed', error = 'interrupted by a restart ' || attempts || ' times', finished_at = ?, updated_at = ? WHERE status IN ${RUNNING} AND attempts >= ?`,
      )
      .run(at, at, maxAttempts);
    this.sqlite
      .prepare(`UPDATE choreo_tasks SET status = 'pending', progress = 0, updated_at = ? WHERE status IN ${RUNNING}`)
      .run(at);
  }

  /** False when the task had already ended. */
  cancel(id: number, at: number): boolean {
    return (
      this.sqlite
        .prepare(
          `UPDATE choreo_tasks SET status = 'cancelled', finished_at = ?, updated_at = ? WHERE id = ? AND status NOT IN ('completed', 'failed', 'cancelled')`,
        )
        .run(at, at, id).changes > 0
    );
  }

  nextPending(): number | undefined {
    return this.next.get()?.id;
  }

  /** The task, marked as started (one more attempt). */
  begin(id: number, at: number): TaskToRun {
    this.sqlite
      .prepare(
        `UPDATE choreo_tasks SET status = 'analysing', progress = 0, attempts = attempts + 1, started_at = ?, updated_at = ?, error = NULL WHERE id = ? AND status = 'pending'`,
      )
      .run(at, at, id);
    return this.sqlite
      .prepare('SELECT id, song_id, query, params, seed, render FROM choreo_tasks WHERE id = ?')
      .get(id) as TaskToRun;
  }

  stage(id: number, stage: string, progress: number, at: number): void {
    this.stageUpdate.run(stage, progress, at, id);
  }

  complete(id: number, blueprint: string, videoPath: string | null, at: number): void {
    this.sqlite
      .prepare(
        `UPDATE choreo_tasks SET status = 'completed', progress = 1, blueprint = ?, video_path = ?, finished_at = ?, updated_at = ? WHERE id = ? AND status NOT IN ('cancelled')`,
      )
      .run(blueprint, videoPath, at, at, id);
  }

  fail(id: number, message: string, at: number): void {
    this.sqlite
      .prepare(
        `UPDATE choreo_tasks SET status = 'failed', error = ?, finished_at = ?, updated_at = ? WHERE id = ? AND status NOT IN ('cancelled', 'completed')`,
      )
      .run(message, at, at, id);
  }

  /** What planning needs of the task's song; its audio is read by `songAudio` only when the cache lacks it. */
  song(songId: number): { sha256: string; mime_type: string; analysis: string } | undefined {
    return this.sqlite.prepare('SELECT sha256, mime_type, analysis FROM songs WHERE id = ?').get(songId) as
      { sha256: string; mime_type: string; analysis: string } | undefined;
  }

  songAudio(songId: number): Buffer {
    return (this.sqlite.prepare('SELECT data FROM songs WHERE id = ?').get(songId) as { data: Buffer }).data;
  }
}

/** A task as the API shows it; `ownerId` undefined reads anyone's (staff). */
export function choreoTask(sql: Sql, id: number) {
  return sql.first(sql.db.selectFrom('choreo_tasks').selectAll().where('id', '=', id));
}

/** Newest first. */
export function choreoTasksOf(sql: Sql, ownerId: number | undefined, limit: number) {
  const q = sql.db.selectFrom('choreo_tasks').selectAll().orderBy('id', 'desc').limit(limit);
  return sql.all(ownerId === undefined ? q : q.where('user_id', '=', ownerId));
}

export function insertChoreoTask(sql: Sql, values: Insertable<ChoreoTasksTable>): number {
  return sql.run(sql.db.insertInto('choreo_tasks').values(values)).id;
}
