/**
 * The lane is a part of the box like any other: `/health` lists it with the priority it got,
 * and if its process dies the box says so (outputs are down) instead of reporting ok.
 */
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../config/index.js';
import { Daemon } from '../../../daemon/daemon.js';
import { createLogger } from '../../../daemon/logger.js';
import { freePort, tempDir } from '../../helpers/daemon-process.js';
import { waitFor } from '../../helpers/wait.js';

describe('the real-time lane in /health', () => {
  let stop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await stop?.();
  });

  it('is connected with its priority named, and an error once its process is gone', async () => {
    const dir = tempDir('codance-lane-');
    const file = join(dir, 'codance.yaml');
    const port = await freePort();
    writeFileSync(
      file,
      `http: {port: ${port}}\nstore: {path: ${join(dir, 'c.db')}}\nsimulation: {dancers: 2}\npipeline: {enabled: false}\nosc: {in: {port: 0}, query: {port: 0}}\n`,
    );
    const daemon = new Daemon({ config: loadConfig({ file }), log: createLogger('silent') });
    const abort = new AbortController();
    await daemon.start(abort.signal);
    stop = async () => {
      abort.abort();
      await daemon.stop();
    };
    const lane = async () => {
      const body = await (await fetch(`http://127.0.0.1:${port}/health`)).json();
      return JSON.stringify(body).match(/\{[^{}]*"id":"lane"[^{}]*\}/)?.[0] ?? '';
    };
    const health = async () =>
      ((await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as { status: string }).status;
    await waitFor(async () => (await lane()).includes('"state":"connected"'), 'the lane reports connected', 5000, 50);
    expect(await lane()).toMatch(/"detail":"(nice -10|nice not raised)[^"]*(SCHED_FIFO)[^"]*"/);
    expect(await health()).toBe('ok');

    // Its process killed (a crash): the lane says error, naming the signal, and so does the box.
    (daemon.parts!.room.engine as unknown as { child: ChildProcess }).child.kill('SIGKILL');
    await waitFor(async () => (await lane()).includes('"state":"error"'), 'the lane reports error', 5000, 50);
    expect(await lane()).toContain("the real-time lane's process exited (SIGKILL); outputs stopped");
    expect(await health()).not.toBe('ok');
  });
});
