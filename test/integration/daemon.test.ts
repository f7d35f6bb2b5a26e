/**
 * The built daemon as a real process: it serves /health quickly, writes the simulated venue
 * to disk, talks sd_notify to a real AF_UNIX socket, and stops cleanly on SIGTERM/SIGINT.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { createSocket } from 'unix-dgram';
import { describe, expect, it } from 'vitest';
import { healthSchema } from '../../daemon/http/contracts.js';
import { freePort, sleep, startDaemon, tempDir, waitForHealth } from '../helpers/daemon-process.js';

describe('daemon process', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`serves /health, stores the simulated venue, and on ${signal} exits 0 within 5 s with the database closed`, async () => {
      const dir = tempDir();
      const db = join(dir, 'codance.db');
      const port = await freePort();
      const secret = 'do-not-log-me-'.repeat(3);
      const d = startDaemon({
        port,
        env: { CODANCE_STORE__PATH: db, CODANCE_SIMULATION__DANCERS: '24', CODANCE_AUTH__JWT_SECRET: secret },
      });
      const { body, ms } = await waitForHealth(port);
      expect(ms).toBeLessThan(15_000);
      const health = healthSchema.parse(body);
      expect(health.store?.journalMode).toBe('wal');
      expect(health.drivers.byState.connected).toBe(32); // 24 bands + store + http + retention + pipeline + 2 models + OSC target "desk" + the lane
      await sleep(1500);
      const sentAt = performance.now();
      d.child.kill(signal);
      const { code, atMs } = await d.exited;
      expect(code, d.output()).toBe(0);
      expect(atMs - sentAt).toBeLessThan(5000);
      // A clean close checkpoints and removes the WAL; the data is all in the main file.
      expect(existsSync(`${db}-wal`) ? statSync(`${db}-wal`).size : 0).toBe(0);
      const check = new BetterSqlite3(db, { readonly: true });
      expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
      const bio = check.prepare('SELECT count(*) AS n FROM biometric_data').get() as { n: number };
      const chunks = check.prepare('SELECT count(*) AS n FROM stream_chunks').get() as { n: number };
      const outbox = check.prepare('SELECT count(*) AS n FROM outbox').get() as { n: number };
      const crowd = check.prepare('SELECT count(*) AS n FROM crowd_states').get() as { n: number };
      const inferences = check.prepare('SELECT count(*) AS n FROM inferences').get() as { n: number };
      check.close();
      expect(bio.n).toBeGreaterThan(24 * 9); // ≥ 1 s of 4 Hz EDA+temp and 1 Hz HR per dancer
      expect(chunks.n).toBeGreaterThanOrEqual(24); // at least the chunks drained on stop
      expect(crowd.n).toBeGreaterThanOrEqual(1); // the pipeline ran: crowd states at 1 Hz
      expect(outbox.n).toBe(bio.n + chunks.n + crowd.n + inferences.n);
      const logs = d.output().split('\n').filter(Boolean);
      for (const line of logs) expect(() => JSON.parse(line) as unknown, line).not.toThrow(); // structured JSON only
      expect(logs.some((l) => l.includes('"codance daemon stopped"'))).toBe(true);
      expect(d.output()).not.toContain(secret); // the start-up line logs the config, redacted
      expect(d.output()).toContain('"jwtSecret":"[redacted]"');
    });
  }

  it('tells systemd READY, keeps the watchdog fed at half of WATCHDOG_USEC, and says STOPPING', async () => {
    const dir = tempDir();
    const sock = join(dir, 'notify.sock');
    const got: { msg: string; at: number }[] = [];
    const server = createSocket('unix_dgram', (m) => got.push({ msg: m.toString(), at: performance.now() }));
    server.bind(sock);
    const port = await freePort();
    const d = startDaemon({
      port,
      env: { CODANCE_STORE__PATH: join(dir, 'c.db'), NOTIFY_SOCKET: sock, WATCHDOG_USEC: '600000' },
    });
    await waitForHealth(port);
    await sleep(1600);
    d.child.kill('SIGTERM');
    expect((await d.exited).code).toBe(0);
    server.close();
    const msgs = got.map((g) => g.msg);
    expect(msgs[0]).toMatch(/^READY=1\nSTATUS=serving on 127\.0\.0\.1:\d+$/);
    const pings = got.filter((g) => g.msg === 'WATCHDOG=1');
    expect(pings.length).toBeGreaterThanOrEqual(4); // every 300 ms over ~1.6 s
    expect(msgs.at(-1)).toBe('STOPPING=1');
  });

  it('runs with no ALSA: configured MIDI clock in and MIDI out show unavailable with the reason, and the box serves on', async () => {
    const port = await freePort();
    const d = startDaemon({
      port,
      env: {
        CODANCE_STORE__PATH: join(tempDir(), 'codance.db'),
        CODANCE_MIDI__CLOCK_IN__PORT: 'Desk MIDI 1',
        CODANCE_MIDI__CLOCK_IN__RETRY_MS: '300',
        CODANCE_MIDI__OUT__PORT: 'Synth 2',
        CODANCE_MIDI__OUT__CLOCK: 'true',
        CODANCE_MIDI__OUT__RETRY_MS: '300',
      },
    });
    await waitForHealth(port);
    await sleep(300); // the MIDI ports are opened after HTTP is up
    const health = healthSchema.parse(await (await fetch(`http://127.0.0.1:${port}/health`)).json());
    const midi = health.drivers.components.find((c) => c.id === 'midi:clock-in');
    expect(midi, d.output()).toMatchObject({ state: 'unavailable' });
    expect(midi!.detail).toContain('Desk MIDI 1');
    const out = health.drivers.components.find((c) => c.id === 'midi:out');
    expect(out, d.output()).toMatchObject({ state: 'unavailable' });
    expect(out!.detail).toContain('Synth 2');
    await sleep(1000); // it keeps trying (every 300 ms) without falling over
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    d.child.kill('SIGTERM');
    expect((await d.exited).code).toBe(0);
  });

  it('refuses a bad environment override at start, naming the path, with exit code 2', async () => {
    const port = await freePort();
    const d = startDaemon({ port, env: { CODANCE_STORE__BATCH_MS: '500' } });
    const { code } = await d.exited;
    expect(code).toBe(2);
    expect(d.output()).toMatch(/store\.batchMs: .*100.*\(env CODANCE_STORE__BATCH_MS\)/);
  });

  it('fails its start with one clear line when the port is taken, and leaves the store closed', async () => {
    const dir = tempDir();
    const port = await freePort();
    const first = startDaemon({ port, env: { CODANCE_STORE__PATH: join(dir, 'a.db') } });
    await waitForHealth(port);
    const second = startDaemon({ port, env: { CODANCE_STORE__PATH: join(dir, 'b.db') } });
    const { code } = await second.exited;
    expect(code).toBe(1);
    expect(second.output()).toMatch(
      /codance: start failed: http: cannot listen on 127\.0\.0\.1:\d+: the address is in use/,
    );
    // The log line says what to fix, with no stack trace.
    const line = second
      .output()
      .split('\n')
      .find((l) => l.includes('"msg":"start failed"'))!;
    const fatal = JSON.parse(line) as { level: number; type: string; error: string };
    expect(fatal).toMatchObject({ level: 60, type: 'ListenError' });
    expect(fatal.error).toMatch(/^http: cannot listen/);
    expect(line).not.toMatch(/stack| {4}at /);
    first.child.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);
  });
});
