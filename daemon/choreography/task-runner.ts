/**
 * Choreography tasks: each generation is a row (choreo_tasks) that moves through
 * pending → analysing → planning → rendering → completed | failed | cancelled, with its
 * progress, run one at a time (rendering takes the CPU the room also needs). A task cancelled
 * while it runs stops at once (its ffmpeg is killed). On start, a task a restart interrupted is
 * run again from the beginning, once; interrupted twice, it fails saying so.
 */
import { ChoreoTaskStore } from '../store/repositories/choreo-tasks.js';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import type { Move } from '../../config/moves.js';
import type { SongAnalysis } from '../../models/music/song-analysis.js';
import { songFile } from '../playback/song-files.js';
import { generateChoreography } from './generate.js';
import type { ChoreoParams } from '../../models/choreography/request.js';

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
  readonly name = 'choreography-tasks';
  private running: { id: number; abort: AbortController } | undefined;
  private loop: Promise<void> | undefined;
  private stopped = true;
  private wake: (() => void) | undefined;

  private readonly tasks: ChoreoTaskStore;

  constructor(private readonly deps: TaskRunnerDeps) {
    this.tasks = new ChoreoTaskStore(deps.sqlite);
  }

  start(_signal?: AbortSignal): void {
    if (!this.stopped) return;
    this.stopped = false;
    // Tasks a restart interrupted: again from the start, or failed after too many tries.
    this.tasks.resumeInterrupted(this.deps.now(), MAX_ATTEMPTS);
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
    const changed = this.tasks.cancel(id, this.deps.now());
    if (changed && this.running?.id === id) this.running.abort.abort(new Error('cancelled'));
    return changed;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const next = this.tasks.nextPending();
      if (next === undefined) {
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
      await this.runOne(next);
    }
  }

  private async runOne(id: number): Promise<void> {
    const { now, log } = this.deps;
    const tasks = this.tasks;
    const abort = new AbortController();
    this.running = { id, abort };
    const t0 = now();
    const task = tasks.begin(id, t0);
    let lastWrite = 0;
    const out = join(this.deps.videoDir, `task-${id}.mp4`);
    try {
      const songId = task.song_id;
      const song = songId === null ? undefined : tasks.song(songId);
      if (songId === null || !song) throw new Error(`song ${songId ?? '(deleted)'} is no longer in the library`);
      const file = songFile(this.deps.songCacheDir, song, () => tasks.songAudio(songId));
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
            tasks.stage(id, stage, Math.round(overall * 1000) / 1000, t);
          },
        },
      );
      const t = now();
      tasks.complete(id, JSON.stringify(result.blueprint), result.video?.file ?? null, t);
      log.info(
        { task: id, moves: result.blueprint.steps.length, ms: t - t0, video: result.video?.file },
        'choreography task completed',
      );
    } catch (err) {
      if (abort.signal.aborted && this.stopped) return; // resumed at the next start
      rmSync(out, { force: true });
      const t = now();
      const message = abort.signal.aborted ? 'cancelled' : (err as Error).message;
      tasks.fail(id, message, t);
      if (!abort.signal.aborted) log.warn({ task: id, err: message }, 'choreography task failed');
    } finally {
      this.running = undefined;
    }
  }
}
