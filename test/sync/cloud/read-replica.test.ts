/**
 * The dashboard read from a streaming replica: two real PostgreSQL servers, the second a hot
 * standby of the first (pg_basebackup, streaming replication). Boxes write to the primary; the
 * session pages are read from the standby (with its replay paused, a new session is on the
 * primary and not on the page until replay resumes); what a read writes (the access log) still
 * goes to the primary, since the standby refuses writes.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCloudDb, type CloudDb } from '../../../sync/cloud/database.js';
import { startCloud } from '../../../sync/cloud/server.js';
import type { SyncBatch } from '../../../sync/contract.js';
import { postgres, type Postgres, type Standby } from '../../helpers/postgres.js';
import { waitFor } from '../../helpers/wait.js';
import { cloudFixture, sessionBatch, type CloudFixture, type Tenant } from './cloud-fixture.js';

let pg: Postgres;
let standby: Standby;
let replica: CloudDb | undefined;
let cloud: CloudFixture;
let t: Tenant;

const sessions = async (): Promise<number[]> =>
  (
    (await cloud.call('GET', `/api/v1/venues/${t.venueId}/sessions`, t.viewer)).json.items as unknown as {
      event_id: number;
    }[]
  ).map((s) => s.event_id);
const onPrimary = async (): Promise<number> =>
  Number(
    (
      await cloud.db.db
        .selectFrom('records')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('entity', '=', 'events')
        .executeTakeFirstOrThrow()
    ).n,
  );

beforeAll(async () => {
  pg = await postgres();
  standby = await pg.standby();
  cloud = await cloudFixture('postgres', pg, undefined, (primary) => {
    replica = openCloudDb(primary.replace(`:${pg.port}/`, `:${standby.port}/`));
    return replica;
  });
  t = await cloud.tenant('r');
}, 90_000);
afterAll(async () => {
  await cloud?.close();
  standby?.stop();
  pg?.stop();
});

describe('a read replica for the dashboard', () => {
  it('serves the session pages from the standby while boxes write to the primary', async () => {
    const ingest = (b: SyncBatch) => cloud.call('POST', '/api/v1/ingest', t.boxToken, b);
    expect((await ingest(sessionBatch(t.boxUid, 1, 1))).status).toBe(200);
    await waitFor(async () => (await sessions()).includes(1), 'the standby to replay the first session', 20_000, 50);
    const standbyRole = await sql<{ r: boolean }>`SELECT pg_is_in_recovery() AS r`.execute(replica!.db);
    expect(standbyRole.rows[0]!.r).toBe(true);

    // Replay paused: the primary takes the second session, the page (read from the standby) does not show it.
    await sql`SELECT pg_wal_replay_pause()`.execute(replica!.db);
    try {
      expect((await ingest(sessionBatch(t.boxUid, 2, 100))).status).toBe(200);
      expect(await onPrimary()).toBe(2);
      expect(await sessions()).toEqual([1]);
    } finally {
      await sql`SELECT pg_wal_replay_resume()`.execute(replica!.db);
    }
    await waitFor(async () => (await sessions()).length === 2, 'the standby to replay the second session', 20_000, 50);

    // A per-dancer read is logged: on the primary (the standby would refuse the write).
    const list = (await cloud.call('GET', `/api/v1/venues/${t.venueId}/sessions`, t.viewer)).json.items as unknown as {
      id: number;
      event_id: number;
    }[];
    const id = list.find((s) => s.event_id === 2)!.id;
    const summary = await cloud.call('GET', `/api/v1/sessions/${id}`, t.viewer);
    expect(summary.json).toMatchObject({ dancers: 2, records: { biometric_data: 20, crowd_states: 20 } });
    const dancers = await cloud.call('GET', `/api/v1/sessions/${id}/dancers`, t.viewer);
    expect(dancers.status).toBe(200);
    const logged = await cloud.db.db
      .selectFrom('audit_log')
      .select('action')
      .where('org_id', '=', t.orgId)
      .where('action', '=', 'session.dancers')
      .execute();
    expect(logged.length).toBeGreaterThan(0);
  });

  it('refuses to start on a replica that does not answer, naming it', async () => {
    const log = { info: () => undefined, error: () => undefined };
    await expect(
      startCloud({
        db: pg.createDb('cloud_replica_check'),
        readReplica: 'postgres://postgres@127.0.0.1:1/nowhere',
        host: '127.0.0.1',
        port: 0,
        version: 'test',
        log,
      }),
    ).rejects.toThrow(/--read-replica postgres:\/\/postgres@127\.0\.0\.1:1\/nowhere does not answer/);
  });
});
