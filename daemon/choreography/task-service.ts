/** The choreography task runner (one generation at a time), resumed from the store at start. */
import { dirname, resolve } from 'node:path';
import type { Teardowns } from '../lifecycle.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';
import type { Move } from '../../config/moves.js';
import { TaskRunner } from './task-runner.js';

export async function startTaskRunner(
  deps: { store: Store; moves: Move[]; songCacheDir: string; now: () => number; log: Logger },
  signal: AbortSignal,
  teardowns: Teardowns,
): Promise<TaskRunner> {
  const runner = new TaskRunner({
    sqlite: deps.store.sqlite,
    moves: deps.moves,
    songCacheDir: deps.songCacheDir,
    videoDir: resolve(dirname(deps.store.path!), 'videos'),
    now: deps.now,
    log: deps.log,
  });
  return teardowns.start(runner, signal);
}
