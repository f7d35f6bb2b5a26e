import { join } from 'node:path';
import { createSocket } from 'unix-dgram';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SystemdNotifier, unixDgramSocket } from '../../../daemon/systemd/notify.js';
import { tempDir } from '../../helpers/daemon-process.js';

const quiet = { warn: () => undefined, debug: () => undefined };

describe('systemd notify', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('does nothing without NOTIFY_SOCKET', async () => {
    const factory = vi.fn();
    const n = new SystemdNotifier({}, quiet, factory);
    await n.start();
    await n.ready('x');
    expect(n.enabled).toBe(false);
    expect(factory).not.toHaveBeenCalled();
  });

  it('sends READY, WATCHDOG at half of WATCHDOG_USEC, then STOPPING', async () => {
    vi.useFakeTimers();
    const sent: string[] = [];
    const n = new SystemdNotifier({ NOTIFY_SOCKET: '/run/x', WATCHDOG_USEC: '2000000' }, quiet, () =>
      Promise.resolve({ send: (m) => (sent.push(m), Promise.resolve()), close: () => undefined }),
    );
    await n.start();
    await n.ready('serving');
    expect(sent[0]).toBe('READY=1\nSTATUS=serving');
    await vi.advanceTimersByTimeAsync(2500);
    expect(sent.filter((m) => m === 'WATCHDOG=1')).toHaveLength(2); // at 1.0 s and 2.0 s
    await n.stopping();
    await vi.advanceTimersByTimeAsync(5000);
    expect(sent.at(-1)).toBe('STOPPING=1');
    expect(sent.filter((m) => m === 'WATCHDOG=1')).toHaveLength(2);
    n.close();
  });

  it('skips the watchdog when WATCHDOG_PID names another process', async () => {
    vi.useFakeTimers();
    const sent: string[] = [];
    const n = new SystemdNotifier(
      { NOTIFY_SOCKET: '/run/x', WATCHDOG_USEC: '1000000', WATCHDOG_PID: String(process.pid + 1) },
      quiet,
      () => Promise.resolve({ send: (m) => (sent.push(m), Promise.resolve()), close: () => undefined }),
    );
    await n.start();
    await n.ready('s');
    await vi.advanceTimersByTimeAsync(3000);
    expect(sent).toEqual(['READY=1\nSTATUS=s']);
    n.close();
  });

  it('talks to a real AF_UNIX datagram socket through the unix-dgram binding', async () => {
    const path = join(tempDir(), 'notify.sock');
    const got: string[] = [];
    const server = createSocket('unix_dgram', (msg) => got.push(msg.toString()));
    server.bind(path);
    const n = new SystemdNotifier({ NOTIFY_SOCKET: path }, quiet, unixDgramSocket);
    await n.start();
    await n.ready('real');
    await n.stopping();
    await new Promise((r) => setTimeout(r, 50));
    expect(got).toEqual(['READY=1\nSTATUS=real', 'STOPPING=1']);
    n.close();
    server.close();
  });

  it('logs and carries on when the socket cannot be opened', async () => {
    const warnings: string[] = [];
    const n = new SystemdNotifier(
      { NOTIFY_SOCKET: '@abstract' },
      { warn: (_o, m) => warnings.push(m), debug: () => undefined },
      unixDgramSocket,
    );
    await n.start();
    await n.ready('x');
    expect(warnings[0]).toMatch(/systemd notify unavailable/);
  });
});
