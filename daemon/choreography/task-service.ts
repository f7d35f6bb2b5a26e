/** The choreography task runner (one generation at a time), resumed from the store at start. */
import { dirname, resolve } from 'node:path';
import type { Teardowns } from '../lifecycle.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';
import type { Move } from '../../config/moves.js';
import { TaskRunner } from './task-runner.js';

export function startTaskRunner(
  deps: { store: Store; moves: Move[]; songCacheDir: string; now: () => number; log: Logger },
  teardowns: Teardowns,
): TaskRunner {
  const runner = new TaskRunner({
    sqlite: deps.store.sqlite,
    moves: deps.moves,
    songCacheDir: deps.songCacheDir,
    videoDir: resolve(dirname(deps.store.path!), 'videos'),
    now: deps.now,
    log: deps.log,
  });
  runner.start();
  teardowns.add('choreography-tasks', () => runner.stop());
  return runner;
}
