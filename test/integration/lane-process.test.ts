/**
 * The real-time lane is a child process of the daemon: started with it, and gone with it even
 * when the daemon is killed outright (SIGKILL gives it no chance to stop its lane), so a
 * restarted daemon never meets an orphan lane still sending to the desks.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { freePort, startDaemon, tempDir, waitForHealth } from '../helpers/daemon-process.js';
import { waitFor } from '../helpers/wait.js';
import { join } from 'node:path';

const children = (pid: number): number[] =>
  readdirSync(`/proc/${pid}/task`).flatMap((t) =>
    readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number),
  );
const alive = (pid: number): boolean => {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
};

describe('the lane process', () => {
  it('runs beside the daemon and ends when the daemon is killed', async () => {
    const port = await freePort();
    const d = startDaemon({
      port,
      env: { CODANCE_STORE__PATH: join(tempDir('codance-lane-proc-'), 'c.db'), CODANCE_SIMULATION__DANCERS: '4' },
    });
    await waitForHealth(port);
    const lanes = children(d.child.pid!).filter((p) =>
      readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('lane-process.js'),
    );
    expect(lanes).toHaveLength(1);
    const lane = lanes[0]!;
    expect(readFileSync(`/proc/${lane}/cmdline`, 'utf8').split('\0')).toEqual(
      expect.arrayContaining(['--max-semi-space-size=2', '--single-threaded-gc']),
    );
    d.child.kill('SIGKILL');
    await d.exited;
    await waitFor(() => Promise.resolve(!alive(lane)), 'the lane process gone', 5000, 50);
  });
});
