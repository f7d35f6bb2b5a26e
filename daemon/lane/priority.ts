/**
 * The lane's process above the rest of the box: a nice value, then SCHED_FIFO (chrt on this
 * thread's id), each where the process may (systemd's LimitNICE and LimitRTPRIO, which the
 * unit sets, or CAP_SYS_NICE). On a busy two-core box the scheduler then runs the lane the
 * moment it is ready instead of after the main thread's slice. Returns what was done, in words,
 * for the lane's health entry.
 */
import { execFileSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

export function raisePriority(nice: number | null, fifoPriority: number | null): string {
  const done: string[] = [];
  if (nice !== null)
    try {
      // pid 0: on Linux a nice value is the calling thread's, not the process's.
      setPriority(nice);
      done.push(`nice ${nice}`);
    } catch (err) {
      done.push(`nice not raised (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  if (fifoPriority !== null)
    try {
      const tid = readlinkSync('/proc/thread-self').split('/').pop() ?? '';
      execFileSync('chrt', ['--fifo', '--pid', String(fifoPriority), tid], { stdio: 'pipe', timeout: 2000 });
      done.push(`SCHED_FIFO ${fifoPriority}`);
    } catch (err) {
      const why = (err as { stderr?: Buffer }).stderr?.toString().trim() || (err as Error).message;
      done.push(`SCHED_FIFO refused (${why.split('\n')[0]})`);
    }
  return done.length ? done.join(', ') : 'priority unchanged';
}
