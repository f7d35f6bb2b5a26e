/**
 * A change made through the API reaches the running box at once, as one made by a remote
 * command does: an event created over HTTP stamps the next crowd states, not ones 10 s later.
 */
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createAccount, loginToken } from '../helpers/technician-daemon.js';
import { freePort, sleep, startDaemon, tempDir, waitForHealth } from '../helpers/daemon-process.js';

describe('changes made through the API', () => {
  it('an event created over HTTP stamps the crowd states within two seconds', async () => {
    const dir = tempDir();
    const db = join(dir, 'codance.db');
    const env = { CODANCE_STORE__PATH: db };
    createAccount(env, 'root', 'admin', 'correct horse battery');
    const port = await freePort();
    const d = startDaemon({ port, env: { ...env, CODANCE_SIMULATION__DANCERS: '4' } });
    try {
      await waitForHealth(port);
      await sleep(1500); // the box has read "no event" and would keep that for 10 s
      const base = `http://127.0.0.1:${port}/api/v1`;
      const token = await loginToken(`http://127.0.0.1:${port}`, 'root', 'correct horse battery');
      const created = Date.now();
      const res = await fetch(`${base}/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          name: 'Tonight',
          starts_at: new Date(created - 60_000).toISOString(),
          ends_at: new Date(created + 3_600_000).toISOString(),
        }),
      });
      expect(res.status).toBe(201);
      const eventId = ((await res.json()) as { id: number }).id;
      await sleep(2000);
      const store = new BetterSqlite3(db, { readonly: true });
      const first = store.prepare('SELECT min(at) AS at FROM crowd_states WHERE event_id = ?').get(eventId) as {
        at: number | null;
      };
      store.close();
      expect(first.at, 'a crowd state carries the new event').not.toBeNull();
      expect(first.at! - created).toBeLessThan(2000);
    } finally {
      d.child.kill('SIGTERM');
      await d.exited;
    }
  }, 30_000);
});
