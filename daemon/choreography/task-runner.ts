/**
 * Choreography tasks: each generation is a row (choreo_tasks) that moves through
 * pending → analysing → planning → rendering → completed | failed | cancelled, with its
 * progress, run one at a time (rendering takes the CPU the room also needs). A task cancelled
 * while it runs stops at once (its ffmpeg is killed). On start, a task a restart interrupted is
 * run again from the beginning, once; interrupted twice, it fails saying so.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import type { Move } from '../../config/moves.js';
import type { SongAnalysis } from '../../models/music/song-analysis.js';
import { songFile } from '../playback/song-files.js';
import { generateChoreography } from './generate.js';
import type { ChoreoParams } from './request.js';

export interface TaskRunnerDeps {
  sqlite: BetterSqlite3.Database;
  moves: Move[];
  songCacheDir: string;
  /** Finished videos (task-<id>.mp4) and the clip cache (clips/). */
  videoDir: string;
  now: () => number;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

const MAX_ATTEMPTS = 2;

export class TaskRunner {
  private running: { id: number; abort: AbortController } | undefined;
  private loop: Promise<void> | undefined;
  private stopped = true;
  private wake: (() => void) | undefined;

  constructor(private readonly deps: TaskRunnerDeps) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const { sqlite, now } = this.deps;
    // Tasks a restart interrupted: again from the start, or failed after too many tries.
    const t = now();
    sqlite
      .prepare(
        `UPDATE choreo_tasks SET status = 'failed', error = 'interrupted by a restart ' || attempts || ' times', finished_at = ?, updated_at = ? WHERE status IN ('analysing', 'planning', 'rendering') AND attempts >= ?`,
      )
      .run(t, t, MAX_ATTEMPTS);
    sqlite
      .prepare(
        `UPDATE choreo_tasks SET status = 'pending', progress = 0, updated_at = ? WHERE status IN ('analysing', 'planning', 'rendering')`,
      )
      .run(t);
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    // Left in its running state on purpose: the next start resumes it.
    this.running?.abort.abort(new Error('the box is stopping'));
    this.wake?.();
    await this.loop;
  }

  /** A new task was queued. */
  poke(): void {
    this.wake?.();
  }

  /** Cancels a pending or running task; false if it had already ended. */
  cancel(id: number): boolean {
    const t = this.deps.now();
    const changed = this.deps.sqlite
      .prepare(
        `UPDATE choreo_tasks SET status = 'cancelled', finished_at = ?, updated_at = ? WHERE id = ? AND status NOT IN ('completed', 'failed', 'cancelled')`,
      )
      .run(t, t, id).changes;
    if (changed && this.running?.id === id) this.running.abort.abort(new Error('cancelled'));
    return changed > 0;
  }

  private async run(): Promise<void> {
    const next = this.deps.sqlite.prepare(`SELECT id FROM choreo_tasks WHERE status = 'pending' ORDER BY id LIMIT 1`);
    while (!this.stopped) {
      const row = next.get() as { id: number } | undefined;
      if (!row) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, 5000);
          function done(): void {
            clearTimeout(timer);
            resolve();
          }
          this.wake = done;
        });
        this.wake = undefined;
        continue;
      }
      await this.runOne(row.id);
    }
  }

  private async runOne(id: number): Promise<void> {
    const { sqlite, now, log } = this.deps;
    const task = sqlite
      .prepare('SELECT id, song_id, query, params, seed, render FROM choreo_tasks WHERE id = ?')
      .get(id) as {
      id: number;
      song_id: number | null;
      query: string;
      params: string | null;
      seed: number;
      render: number;
    };
    const abort = new AbortController();
    this.running = { id, abort };
    const t0 = now();
    sqlite
      .prepare(
        `UPDATE choreo_tasks SET status = 'analysing', progress = 0, attempts = attempts + 1, started_at = ?, updated_at = ?, error = NULL WHERE id = ? AND status = 'pending'`,
      )
      .run(t0, t0, id);
    const setStage = sqlite.prepare(
      `UPDATE choreo_tasks SET status = ?, progress = ?, updated_at = ? WHERE id = ? AND status NOT IN ('cancelled', 'completed', 'failed')`,
    );
    let lastWrite = 0;
    const out = join(this.deps.videoDir, `task-${id}.mp4`);
    try {
      const song =
        task.song_id === null
          ? undefined
          : (sqlite.prepare('SELECT sha256, mime_type, analysis FROM songs WHERE id = ?').get(task.song_id) as
              { sha256: string; mime_type: string; analysis: string } | undefined);
      if (!song) throw new Error(`song ${task.song_id ?? '(deleted)'} is no longer in the library`);
      const file = songFile(
        this.deps.songCacheDir,
        song,
        () => (sqlite.prepare('SELECT data FROM songs WHERE id = ?').get(task.song_id) as { data: Buffer }).data,
      );
      mkdirSync(this.deps.videoDir, { recursive: true });
      const result = await generateChoreography(
        {
          songFile: file,
          analysis: JSON.parse(song.analysis) as SongAnalysis,
          query: task.query,
          ...(task.params ? { params: JSON.parse(task.params) as ChoreoParams } : {}),
          seed: task.seed,
          moves: this.deps.moves,
          ...(task.render ? { video: { out, cacheDir: join(this.deps.videoDir, 'clips') } } : {}),
        },
        {
          signal: abort.signal,
          progress: (stage, overall) => {
            const t = now();
            if (t - lastWrite < 250 && overall > 0 && overall < 1) return;
            lastWrite = t;
            setStage.run(stage, Math.round(overall * 1000) / 1000, t, id);
          },
        },
      );
      const t = now();
      sqlite
        .prepare(
          `UPDATE choreo_tasks SET status = 'completed', progress = 1, blueprint = ?, video_path = ?, finished_at = ?, updated_at = ? WHERE id = ? AND status NOT IN ('cancelled')`,
        )
        .run(JSON.stringify(result.blueprint), result.video?.file ?? null, t, t, id);
      log.info(
        { task: id, moves: result.blueprint.steps.length, ms: t - t0, video: result.video?.file },
        'choreography task completed',
      );
    } catch (err) {
      if (abort.signal.aborted && this.stopped) return; // resumed at the next start
      rmSync(out, { force: true });
      const t = now();
      const message = abort.signal.aborted ? 'cancelled' : (err as Error).message;
      sqlite
        .prepare(
          `UPDATE choreo_tasks SET status = 'failed', error = ?, finished_at = ?, updated_at = ? WHERE id = ? AND status NOT IN ('cancelled', 'completed')`,
        )
        .run(message, t, t, id);
      if (!abort.signal.aborted) log.warn({ task: id, err: message }, 'choreography task failed');
    } finally {
      this.running = undefined;
    }
  }
}
