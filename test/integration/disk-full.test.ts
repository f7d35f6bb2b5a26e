/**
 * Full-disk drill: the store on a small tmpfs under a 200-dancer venue, the disk filled by
 * another program. The box must keep answering, say what is wrong, count what it could not
 * store, keep taking records, stop on SIGTERM in time, and resume by itself once space returns.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createAccount } from '../helpers/technician-daemon.js';
import { freePort, sleep, startDaemon, tempDir, waitForHealth } from '../helpers/daemon-process.js';

interface Health {
  status: string;
  store: {
    rowsWritten: number;
    lostSamples: number;
    lostByStream: Record<string, number>;
    failing: boolean;
    lastError: string | null;
    disk?: { level: string; freeBytes: number; prunedEarly: Record<string, number> };
  };
  drivers: { components: { id: string; state: string; detail?: string }[] };
}

const mnt = tempDir('codance-tmpfs-');
execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=24m', 'tmpfs', mnt]);
afterAll(() => execFileSync('umount', ['-l', mnt]));

/** Writes 256 KiB pieces until the filesystem refuses: what another program filling the disk does. */
function fillDisk(path: string): number {
  const fd = openSync(path, 'w');
  const piece = Buffer.alloc(256 * 1024, 1);
  let written = 0;
  try {
    for (;;) written += writeSync(fd, piece);
  } catch {
    // ENOSPC: the disk is full
  } finally {
    closeSync(fd);
  }
  return written;
}

async function timed(url: string, init?: RequestInit): Promise<{ status: number; ms: number; body: unknown }> {
  const started = performance.now();
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(5000) });
  const body = await res.json();
  return { status: res.status, ms: performance.now() - started, body };
}

describe('a full disk under 200 dancers', () => {
  it('keeps serving, reports and counts, takes records, stops in time and resumes with an intact store', async () => {
    const db = join(mnt, 'codance.db');
    const env = { CODANCE_STORE__PATH: db };
    createAccount(env, 'root', 'admin', 'correct horse battery');
    const port = await freePort();
    const d = startDaemon({
      port,
      // The guard measures at its default rate (1 s): the box must say it is degraded within a second.
      env: {
        ...env,
        CODANCE_SIMULATION__DANCERS: '200',
        CODANCE_STORE__DISK__MIN_FREE_BYTES: String(6 * 1048576),
        CODANCE_STORE__DISK__RESERVE_BYTES: String(2 * 1048576),
      },
    });
    try {
      await waitForHealth(port, 30_000);
      const base = `http://127.0.0.1:${port}`;
      const login = await timed(`${base}/api/v1/users/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'root', password: 'correct horse battery' }),
      });
      expect(login.status).toBe(200);
      const auth = { authorization: `Bearer ${(login.body as { access_token: string }).access_token}` };
      await sleep(2000);

      const filler = join(mnt, 'filler');
      fillDisk(filler);
      const filledAt = performance.now();
      let degradedAfterMs = Infinity;
      while (performance.now() - filledAt < 3000) {
        if (((await timed(`${base}/health`)).body as Health).status === 'degraded') {
          degradedAfterMs = performance.now() - filledAt;
          break;
        }
        await sleep(20);
      }
      expect(degradedAfterMs).toBeLessThan(1000);
      // Throughout the full disk: every probe answers within 2 s.
      const slowest = { health: 0, api: 0 };
      let health: Health | undefined;
      let eventStatus = 0;
      for (let i = 0; i < 40; i++) {
        const h = await timed(`${base}/health`);
        const me = await timed(`${base}/api/v1/users/me`, { headers: auth });
        expect(me.status).toBe(200);
        slowest.health = Math.max(slowest.health, h.ms);
        slowest.api = Math.max(slowest.api, me.ms);
        health = h.body as Health;
        if (i === 20) {
          // A record (an event) is still taken: the raw data pruned early made room for it.
          const ev = await timed(`${base}/api/v1/events`, {
            method: 'POST',
            headers: { ...auth, 'content-type': 'application/json' },
            body: JSON.stringify({
              name: 'Full-disk social',
              starts_at: new Date().toISOString(),
              ends_at: new Date(Date.now() + 3_600_000).toISOString(),
            }),
          });
          slowest.api = Math.max(slowest.api, ev.ms);
          eventStatus = ev.status;
        }
        await sleep(200);
      }
      process.stdout.write(
        `degraded ${degradedAfterMs.toFixed(0)} ms after the disk filled; slowest /health ${slowest.health.toFixed(0)} ms, /users/me ${slowest.api.toFixed(0)} ms; store ${JSON.stringify(health?.store.disk)} lost ${JSON.stringify(health?.store.lostByStream)}\n`,
      );
      expect(slowest.health).toBeLessThan(2000);
      expect(slowest.api).toBeLessThan(2000);
      expect(eventStatus).toBe(201);
      expect(health!.status).toBe('degraded');
      expect(health!.store.disk?.level).toBe('critical');
      const disk = health!.drivers.components.find((c) => c.id === 'disk');
      expect(disk?.state).toBe('error');
      expect(disk?.detail).toMatch(/disk nearly full/);
      expect(health!.store.lostSamples).toBeGreaterThan(0);
      expect(health!.store.lostByStream.acc).toBeGreaterThan(0);
      expect(health!.store.lostByStream.heart_rate).toBeGreaterThan(0);
      expect(d.output()).toMatch(/"component":"disk","state":"error"/);

      // Space returns: writes resume by themselves.
      rmSync(filler);
      const resumedBy = performance.now() + 15_000;
      let written = health!.store.rowsWritten;
      let resumed: Health | undefined;
      while (performance.now() < resumedBy) {
        const h = (await timed(`${base}/health`)).body as Health;
        if (h.store.disk?.level === 'ok' && !h.store.failing && h.store.rowsWritten > written + 1000) {
          resumed = h;
          break;
        }
        written = Math.min(written, h.store.rowsWritten);
        await sleep(250);
      }
      expect(resumed, 'writes resumed after space returned').toBeDefined();
      expect(resumed!.status).toBe('ok');
      expect(d.output()).toMatch(/"component":"disk","state":"connected"/);

      // Fill again and stop while full: SIGTERM still exits 0 within 5 s.
      fillDisk(filler);
      await sleep(1500);
      const asked = performance.now();
      d.child.kill('SIGTERM');
      const exit = await d.exited;
      expect(exit.code).toBe(0);
      expect(exit.atMs - asked).toBeLessThan(5000);
      process.stdout.write(
        `resumed; SIGTERM on a full disk exited ${exit.code} after ${(exit.atMs - asked).toFixed(0)} ms\n`,
      );
      rmSync(filler);

      const store = new BetterSqlite3(db, { readonly: true });
      expect(store.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(
        (store.prepare(`SELECT count(*) AS n FROM events WHERE name = 'Full-disk social'`).get() as { n: number }).n,
      ).toBe(1);
      store.close();
    } finally {
      d.child.kill('SIGKILL');
    }
  }, 120_000);
});
