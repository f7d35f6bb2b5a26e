/** The built daemon running the pipeline on a real E4 recording replayed in real time. */
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { AROUSAL_INPUTS } from '../../models/arousal/inputs.js';
import { freePort, startDaemon, tempDir, waitForHealth } from '../helpers/daemon-process.js';
import { dataFile, hasData, noDataReason } from '../helpers/data.js';
import { sleep } from '../helpers/wait.js';

describe.skipIf(!hasData)(`pipeline in the daemon${hasData ? '' : ` (skipped: ${noDataReason})`}`, () => {
  it('scores a replayed E4 wristband with the arousal model and writes crowd states, with their outbox entries', async () => {
    const db = join(tempDir(), 'box.db');
    const port = await freePort();
    const d = startDaemon({
      port,
      env: {
        CODANCE_STORE__PATH: db,
        CODANCE_REPLAY__SOURCES: JSON.stringify([
          { format: 'e4', path: dataFile('physio', 'flirt', 'empatica'), speed: 1, deviceKey: 'e4-flirt' },
        ]),
      },
    });
    await waitForHealth(port);
    await sleep(11_500); // one arousal window hop (10 s) and eleven crowd states
    d.child.kill('SIGTERM');
    expect((await d.exited).code, d.output()).toBe(0);
    const check = new BetterSqlite3(db, { readonly: true });
    const inf = check
      .prepare(
        `SELECT i.model, i.value, i.inputs FROM inferences i JOIN devices d ON d.id = i.device_id WHERE d.device_key = 'e4-flirt'`,
      )
      .all() as { model: string; value: number; inputs: string }[];
    const crowd = (check.prepare('SELECT COUNT(*) AS n FROM crowd_states').get() as { n: number }).n;
    const outbox = (
      check.prepare("SELECT COUNT(*) AS n FROM outbox WHERE entity IN ('inferences', 'crowd_states')").get() as {
        n: number;
      }
    ).n;
    check.close();
    expect(inf.length).toBeGreaterThanOrEqual(1);
    expect(inf[0]!.model).toBe('arousal');
    expect(inf[0]!.value).toBeGreaterThanOrEqual(0);
    expect(inf[0]!.value).toBeLessThanOrEqual(1);
    expect(JSON.parse(inf[0]!.inputs)).toHaveLength(AROUSAL_INPUTS.length);
    expect(crowd).toBeGreaterThanOrEqual(10);
    expect(outbox).toBe(inf.length + crowd);
  }, 40_000);
});
