/**
 * Power-cut drill: SIGKILL the daemon while the simulated venue writes, ten times in a row.
 * Each time the database must pass integrity_check, still hold every row committed before
 * the kill, keep every synced row paired with its outbox entry, and let the daemon start again.
 */
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { freePort, sleep, startDaemon, tempDir, waitForHealth } from '../helpers/daemon-process.js';

function inspect(path: string) {
  const db = new BetterSqlite3(path);
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    const fk = db.pragma('foreign_key_check');
    const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    return {
      integrity,
      fkViolations: (fk as unknown[]).length,
      bio: count('SELECT count(*) AS n FROM biometric_data'),
      chunks: count('SELECT count(*) AS n FROM stream_chunks'),
      outbox: count('SELECT count(*) AS n FROM outbox'),
      // model outputs and crowd states, which the pipeline writes with their outbox entries too
      derived: count('SELECT (SELECT count(*) FROM inferences) + (SELECT count(*) FROM crowd_states) AS n'),
      orphanOutbox:
        count(`SELECT count(*) AS n FROM outbox o WHERE (o.entity='biometric_data' AND NOT EXISTS (SELECT 1 FROM biometric_data b WHERE b.id=o.entity_id))
                                                            OR (o.entity='stream_chunks' AND NOT EXISTS (SELECT 1 FROM stream_chunks c WHERE c.id=o.entity_id))
                                                            OR (o.entity='crowd_states' AND NOT EXISTS (SELECT 1 FROM crowd_states c WHERE c.id=o.entity_id))
                                                            OR (o.entity='inferences' AND NOT EXISTS (SELECT 1 FROM inferences i WHERE i.id=o.entity_id))`),
      maxSeq: count('SELECT coalesce(max(seq),0) AS n FROM outbox'),
    };
  } finally {
    db.close();
  }
}

describe('crash safety', () => {
  it('survives SIGKILL during writes 10 times in a row: intact, nothing committed lost, restarts cleanly', async () => {
    const dir = tempDir();
    const db = join(dir, 'codance.db');
    const port = await freePort();
    let previous = { bio: 0, chunks: 0, maxSeq: 0 };
    for (let round = 1; round <= 10; round++) {
      const d = startDaemon({
        port,
        env: { CODANCE_STORE__PATH: db, CODANCE_SIMULATION__DANCERS: '24', CODANCE_STORE__CHUNK_MS: '200' },
      });
      await waitForHealth(port);
      await sleep(400 + round * 60); // land the kill at a different point of the batch cycle each time
      d.child.kill('SIGKILL');
      const { signal } = await d.exited;
      expect(signal).toBe('SIGKILL');
      const s = inspect(db);
      expect(s.integrity, `round ${round}`).toBe('ok');
      expect(s.fkViolations, `round ${round}`).toBe(0);
      expect(s.orphanOutbox, `round ${round}`).toBe(0);
      expect(s.outbox, `round ${round}`).toBe(s.bio + s.chunks + s.derived); // every synced row has its outbox entry
      expect(s.bio, `round ${round}: rows grow, none lost`).toBeGreaterThan(previous.bio);
      expect(s.chunks).toBeGreaterThanOrEqual(previous.chunks);
      expect(s.maxSeq).toBeGreaterThan(previous.maxSeq);
      previous = s;
    }
    // and a last clean start and stop on the ten-times-killed file
    const d = startDaemon({ port, env: { CODANCE_STORE__PATH: db } });
    await waitForHealth(port);
    d.child.kill('SIGTERM');
    expect((await d.exited).code).toBe(0);
    expect(inspect(db).integrity).toBe('ok');
  }, 120_000);
});
