/**
 * The cloud's side of dancers' data rights, on a real PostgreSQL with the cloud's clock moved
 * by hand: retention per organisation and sync class; an erasure record that deletes what it
 * names (and a resent old batch that does not bring it back); the access log of CSV exports
 * and per-dancer reads; the owner's export of one pseudonym.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyCloudRetention, scheduleCloudRetention } from '../../../sync/cloud/retention.js';
import type { SyncBatch } from '../../../sync/contract.js';
import { postgres, type Postgres } from '../../helpers/postgres.js';
import { waitFor } from '../../helpers/wait.js';
import { cloudFixture, sessionBatch, type CloudFixture, type Tenant } from './cloud-fixture.js';

const DAY = 86_400_000;
/** When sessionBatch's readings were taken. */
const t0 = Date.parse('2026-11-21T21:00:00Z');
/** The cloud starts on the real time (dashboard tokens are checked against it), then is moved by hand. */
const start = Date.now();
let clock = start;
let pg: Postgres;
let cloud: CloudFixture;
let a: Tenant;
let b: Tenant;

const ingest = (t: Tenant, batch: SyncBatch) =>
  cloud.call('POST', '/api/v1/ingest', t.boxToken, gzipSync(JSON.stringify(batch)), {
    'content-type': 'application/json',
    'content-encoding': 'gzip',
  });
/** A box's records by table. */
async function counts(t: Tenant): Promise<Record<string, number>> {
  const rows = await cloud.db.db
    .selectFrom('records')
    .innerJoin('boxes', 'boxes.id', 'records.box_id')
    .select(['records.entity', (eb) => eb.fn.countAll<string>().as('n')])
    .where('boxes.uid', '=', t.boxUid)
    .where('records.deleted', '=', 0)
    .groupBy('records.entity')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.entity, Number(r.n)]));
}

beforeAll(async () => {
  pg = await postgres();
  cloud = await cloudFixture('postgres', pg, () => clock);
  a = await cloud.tenant('a');
  b = await cloud.tenant('b');
}, 60_000);
afterAll(async () => {
  await cloud?.close();
  pg?.stop();
});

describe('the cloud keeps synced data only as long as each organisation says', () => {
  it('deletes each class past its days by the moved clock, in that organisation only', async () => {
    for (const t of [a, b]) expect((await ingest(t, sessionBatch(t.boxUid))).status).toBe(200);
    const full = { events: 1, biometric_data: 20, crowd_states: 20 };
    expect(await counts(a)).toEqual(full);

    const none = await cloud.call('GET', `/api/v1/orgs/${a.orgId}/retention`, a.viewer);
    expect(none.json).toMatchObject({
      policies: [
        { class: 'records', days: 0 },
        { class: 'features', days: 0 },
        { class: 'raw', days: 0 },
      ],
    });
    expect((await cloud.call('PUT', `/api/v1/orgs/${a.orgId}/retention`, a.viewer, { features: 30 })).status).toBe(403);
    expect((await cloud.call('PUT', `/api/v1/orgs/${a.orgId}/retention`, a.owner, { features: -1 })).status).toBe(422);
    expect((await cloud.call('PUT', `/api/v1/orgs/${a.orgId}/retention`, a.owner, {})).status).toBe(422);
    const set = await cloud.call('PUT', `/api/v1/orgs/${a.orgId}/retention`, a.owner, { features: 30, records: 60 });
    expect(set.status).toBe(200);
    expect(set.json).toMatchObject({
      policies: [
        { class: 'records', days: 60 },
        { class: 'features', days: 30 },
        { class: 'raw', days: 0 },
      ],
    });
    // Organisation B keeps everything for ever, whatever A decides.
    expect((await cloud.call('GET', `/api/v1/orgs/${b.orgId}/retention`, b.owner)).json).toMatchObject({
      policies: [{ days: 0 }, { days: 0 }, { days: 0 }],
    });

    // 29 days after the readings: nothing has expired.
    clock = t0 + 29 * DAY;
    expect(await applyCloudRetention(cloud.db.db, clock, 365)).toMatchObject({ deleted: {}, dropped: [], audit: 0 });
    expect(await counts(a)).toEqual(full);
    // 31 days after: A's readings have gone (by their own time); its event stays (received under 60 days ago).
    clock = t0 + 31 * DAY;
    const run = await applyCloudRetention(cloud.db.db, clock, 365);
    expect(run.deleted).toEqual({ [`${a.orgId}:features`]: 40 });
    expect(run.dropped).toEqual([]); // B keeps that day: A's rows go one by one
    expect(await counts(a)).toEqual({ events: 1 });
    expect(await counts(b)).toEqual(full);
    // Records age by when the box last sent them.
    clock = start + 61 * DAY;
    const stop = scheduleCloudRetention(
      cloud.db.db,
      { now: () => clock, everyMs: 60_000, auditDays: 365 },
      {
        info: () => undefined,
        error: () => undefined,
      },
    );
    try {
      await waitFor(async () => Object.keys(await counts(a)).length === 0, 'the scheduled run', 10_000, 50);
    } finally {
      stop();
    }
    expect(await counts(b)).toEqual(full);
  });

  it('keeps the access log its own number of days', async () => {
    const before = await cloud.db.db.selectFrom('audit_log').select('id').where('org_id', '=', a.orgId).execute();
    expect(before.length).toBeGreaterThan(0); // the retention change above
    const run = await applyCloudRetention(cloud.db.db, clock + 400 * DAY, 365);
    expect(run.audit).toBeGreaterThanOrEqual(before.length);
  });
});

describe('an erasure record from a box', () => {
  it("deletes the dancer's records, account and band readings, keeps everyone else's, and refuses an old batch resent", async () => {
    clock = Date.parse('2026-12-10T20:00:00Z');
    const at = clock - 3_600_000;
    let seq = 100;
    const records: SyncBatch['records'] = [];
    const push = (entity: SyncBatch['records'][number]['entity'], id: number, data: Record<string, unknown>) =>
      records.push({ seq: ++seq, entity, id, op: 'upsert', data: { id, ...data } });
    push('events', 7, { name: 'Erasure night', starts_at: at, ends_at: at + 7_200_000 });
    for (const user of [1, 2]) {
      push('users', user, {
        pseudonym: `p_dancer${user}`,
        role: 'dancer',
        consent_biometrics: 1,
        consent_cloud_sync: 1,
      });
      push('device_assignments', user, {
        device_id: 10 + user,
        user_id: user,
        event_id: 7,
        assigned_at: at,
        released_at: null,
      });
      push('registrations', user, { event_id: 7, user_id: user, registered_at: at });
      for (let i = 0; i < 5; i++) {
        push('biometric_data', user * 100 + i, {
          user_id: user,
          device_id: 10 + user,
          event_id: 7,
          recorded_at: at + i * 1000,
          heart_rate: 100,
        });
        push('stream_chunks', user * 100 + i, {
          device_id: 10 + user,
          event_id: 7,
          stream: 'acc',
          started_at: at + i * 1000,
          sample_count: 50,
          data: 'AAAA',
        });
      }
    }
    const old: SyncBatch = { box: b.boxUid, sent_at: clock, records };
    expect((await ingest(b, old)).status).toBe(200);
    const before = await counts(b);
    expect(before).toMatchObject({ users: 2, biometric_data: 20 + 10, stream_chunks: 10 });

    // The owner exports what the organisation holds of dancer 1, before the erasure.
    const exported = await cloud.call('GET', `/api/v1/orgs/${b.orgId}/pseudonyms/p_dancer1/export`, b.owner);
    expect(exported.status).toBe(200);
    const lines = (exported.json as unknown as string)
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ pseudonym: 'p_dancer1', boxes: [b.boxUid] });
    // The account, assignment and registration, the 5 readings of this night and the 10 of
    // sessionBatch (dancer 1 on this box too), and the 5 chunks of the band while worn.
    expect(
      lines
        .slice(1)
        .map((l) => l.entity)
        .sort(),
    ).toEqual(
      [
        'users',
        'device_assignments',
        'registrations',
        ...Array<string>(15).fill('biometric_data'),
        ...Array<string>(5).fill('stream_chunks'),
      ].sort(),
    );
    expect(lines.slice(1).every((l) => (l.data as { user_id?: number }).user_id !== 2)).toBe(true);
    expect((await cloud.call('GET', `/api/v1/orgs/${b.orgId}/pseudonyms/p_dancer1/export`, b.viewer)).status).toBe(403);
    expect((await cloud.call('GET', `/api/v1/orgs/${a.orgId}/pseudonyms/p_dancer1/export`, a.owner)).status).toBe(404);
    expect((await cloud.call('GET', `/api/v1/orgs/${b.orgId}/pseudonyms/x%25/export`, b.owner)).status).toBe(422);

    const erasure: SyncBatch = {
      box: b.boxUid,
      sent_at: clock,
      records: [
        {
          seq: ++seq,
          entity: 'erasures',
          id: 1,
          op: 'upsert',
          data: {
            id: 1,
            subject_id: 1,
            requested_by: 1,
            requested_role: 'dancer',
            via: 'api',
            requested_at: clock,
            finished_at: clock,
            devices: JSON.stringify([{ device_id: 11, from: at, to: clock }]),
            erased: '{}',
          },
        },
      ],
    };
    expect((await ingest(b, erasure)).status).toBe(200);
    const after = await counts(b);
    expect(after).toEqual({
      ...before,
      users: 1,
      device_assignments: 1,
      registrations: 1,
      biometric_data: before.biometric_data! - 15,
      stream_chunks: 5,
      erasures: 1,
    });
    const named = await cloud.db.db.selectFrom('records').select('id').where('data', 'like', '%p_dancer1%').execute();
    expect(named).toEqual([]);
    // The whole old batch again (its acknowledgement was lost): nothing of dancer 1 comes back.
    expect((await ingest(b, old)).status).toBe(200);
    expect((await ingest(b, erasure)).status).toBe(200);
    expect(await counts(b)).toEqual(after);
  });
});

describe("the organisation's access log", () => {
  it('shows CSV exports and per-dancer reads with who and when, to admins only', async () => {
    clock = Date.parse('2026-12-11T10:00:00Z');
    const sessions = await cloud.call('GET', `/api/v1/venues/${b.venueId}/sessions`, b.viewer);
    const id = (sessions.json.items as unknown as { id: number }[])[0]!.id;
    expect((await cloud.call('GET', `/api/v1/sessions/${id}/export.csv?stream=hr`, b.viewer)).status).toBe(200);
    expect((await cloud.call('GET', `/api/v1/sessions/${id}/dancers`, b.owner)).status).toBe(200);
    expect((await cloud.call('GET', `/api/v1/sessions/${id}/export.csv?stream=crowd`, b.viewer)).status).toBe(200);
    expect((await cloud.call('GET', `/api/v1/orgs/${b.orgId}/audit`, b.viewer)).status).toBe(403);
    const log = await cloud.call('GET', `/api/v1/orgs/${b.orgId}/audit`, b.owner);
    expect(log.status).toBe(200);
    const entries = log.json as unknown as {
      actor: string;
      action: string;
      at: string;
      detail: Record<string, unknown>;
    }[];
    expect(entries.slice(0, 2)).toEqual([
      expect.objectContaining({
        actor: 'owner@b.example',
        action: 'session.dancers',
        at: new Date(clock).toISOString(),
      }),
      expect.objectContaining({
        actor: 'viewer@b.example',
        action: 'session.csv',
        at: new Date(clock).toISOString(),
        detail: expect.objectContaining({ session: id, stream: 'hr' }) as unknown,
      }),
    ]);
    // The room's own streams are not a dancer's data.
    expect(entries.filter((e) => e.detail.stream === 'crowd')).toEqual([]);
    expect(JSON.stringify(entries)).not.toContain('p_dancer1');
    // Organisation A sees none of B's log.
    expect((await cloud.call('GET', `/api/v1/orgs/${b.orgId}/audit`, a.owner)).status).toBe(404);
  });
});
