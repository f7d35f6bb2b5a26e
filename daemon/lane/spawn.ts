/** Starting the lane's process. */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A small young generation: scavenges come more often, but each one is a short pause. */
const SEMI_SPACE_MB = 2;

/**
 * The lane's process: the built .js, or the .ts source under tsx (tests, the bench), with the
 * unit's V8 flags. Structured clone over the IPC channel ("advanced" serialization), as
 * between threads. Its own process, not a worker thread: under load a thread's timers and
 * collections wait on the daemon's process (the loaded bench: the lane's 60 Hz jitter p99 was
 * 4–5 ms as a thread and under 1 ms as a process; DECISIONS.md, the real-time lane).
 */
export function startLaneProcess(): ChildProcess {
  const here = import.meta.url;
  const ts = here.endsWith('.ts');
  const file = fileURLToPath(new URL(ts ? './lane-process.ts' : './lane-process.js', here));
  return fork(file, [], {
    serialization: 'advanced',
    execArgv: [...(ts ? ['--import', 'tsx'] : []), `--max-semi-space-size=${SEMI_SPACE_MB}`, '--single-threaded-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}
