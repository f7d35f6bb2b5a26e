/**
 * The cloud's storage by day on a real PostgreSQL, with the clock moved by hand: readings land
 * in day partitions made on demand; retention drops a day whole once every organisation is done
 * with it, deletes row by row what only one organisation no longer keeps, and rebuilds the
 * summaries of the sessions that lost readings; a reading of a dropped day sent late makes the
 * day again. On PostgreSQL and SQLite, the summaries kept at ingest equal those rebuilt from
 * the readings after batches sent twice, out of order and corrected.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listPartitions } from '../../../sync/cloud/partitions.js';
import { applyCloudRetention } from '../../../sync/cloud/retention.js';
import { rebuildSessions } from '../../../sync/cloud/summary-rebuild.js';
import type { SyncBatch } from '../../../sync/contract.js';
import { postgres, type Postgres } from '../../helpers/postgres.js';
import { cloudFixture, type CloudFixture, type Tenant } from './cloud-fixture.js';

const DAY = 86_400_000;
const t0 = Date.parse('2026-11-21T21:00:00Z');
const t1 = t0 + 10 * DAY;
let pg: Postgres;

type Rec = SyncBatch['records'][number];

/** A session on the day of `at`: the event, 10 heart rates of two dancers, 10 crowd states, 4 raw chunks. */
function night(box: string, event: number, at: number, seq: number): SyncBatch {
  const records: Rec[] = [
    {
      seq: seq++,
      entity: 'events',
      id: event,
      op: 'upsert',
      data: { id: event, name: `Night ${event}`, starts_at: at, ends_at: at + 3_600_000 },
    },
  ];
  for (let i = 0; i < 10; i++) {
    const id = event * 1000 + i;
    records.push(
      {
        seq: seq++,
        entity: 'biometric_data',
        id,
        op: 'upsert',
        data: { id, event_id: event, user_id: (i % 2) + 1, recorded_at: at + i * 1000, heart_rate: 90 + i },
      },
      {
        seq: seq++,
        entity: 'crowd_states',
        id,
        op: 'upsert',
        data: {
          id,
          event_id: event,
          at: at + i * 1000,
          active_dancers: 2 + (i % 3),
          energy: i / 10,
          arousal_mean: 0.3,
        },
      },
    );
  }
  for (let i = 0; i < 4; i++) {
    const id = event * 1000 + i;
    records.push({
      seq: seq++,
      entity: 'stream_chunks',
      id,
      op: 'upsert',
      data: { id, event_id: event, device_id: 5, stream: 'acc', started_at: at + i * 2000, samples: 'AAAA' },
    });
  }
  return { box, sent_at: at, records };
}

async function counts(cloud: CloudFixture, t: Tenant): Promise<Record<string, number>> {
  const rows = await cloud.db.db
    .selectFrom('records')
    .innerJoin('boxes', 'boxes.id', 'records.box_id')
    .select(['records.entity', (eb) => eb.fn.countAll<string>().as('n')])
    .where('boxes.uid', '=', t.boxUid)
    .groupBy('records.entity')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.entity, Number(r.n)]));
}

beforeAll(async () => {
  pg = await postgres();
}, 60_000);
afterAll(() => pg?.stop());

describe('storage by day on PostgreSQL', () => {
  let clock = Date.now();
  let cloud: CloudFixture;
  let a: Tenant;
  let b: Tenant;
  const send = (t: Tenant, batch: SyncBatch) => cloud.call('POST', '/api/v1/ingest', t.boxToken, batch);
  const days = async (cls: 'features' | 'raw') => (await listPartitions(cloud.db.db, cls)).map((p) => p.name);

  beforeAll(async () => {
    cloud = await cloudFixture('postgres', pg, () => clock);
    a = await cloud.tenant('a');
    b = await cloud.tenant('b');
  });
  afterAll(() => cloud?.close());

  it('drops whole days once every organisation is done with them, and deletes the rest row by row', async () => {
    for (const t of [a, b]) {
      expect((await send(t, night(t.boxUid, 1, t0, 1))).status).toBe(200);
      expect((await send(t, night(t.boxUid, 2, t1, 100))).status).toBe(200);
    }
    expect(await days('features')).toEqual(['records_f_20261121', 'records_f_20261201']);
    expect(await days('raw')).toEqual(['records_r_20261121', 'records_r_20261201']);
    const full = { events: 2, biometric_data: 20, crowd_states: 20, stream_chunks: 8 };
    expect(await counts(cloud, a)).toEqual(full);
    for (const [t, features] of [
      [a, 30],
      [b, 60],
    ] as const)
      expect((await cloud.call('PUT', `/api/v1/orgs/${t.orgId}/retention`, t.owner, { features, raw: 7 })).status).toBe(
        200,
      );

    // Day 8: both keep raw chunks 7 days, so the first night's raw day goes whole; no row is deleted.
    clock = t0 + 8 * DAY;
    let run = await applyCloudRetention(cloud.db.db, clock, 365);
    expect(run.dropped).toEqual(['records_r_20261121']);
    expect(run.deleted).toEqual({});
    expect(await days('raw')).toEqual(['records_r_20261201']);
    expect((await counts(cloud, b)).stream_chunks).toBe(4);

    // Day 31: A is done with the first night's features, B is not: A's rows go, the day stays.
    clock = t0 + 31 * DAY;
    run = await applyCloudRetention(cloud.db.db, clock, 365);
    expect(run.dropped).toEqual(['records_r_20261201']);
    expect(run.deleted).toEqual({ [`${a.orgId}:features`]: 20 });
    expect(await days('features')).toEqual(['records_f_20261121', 'records_f_20261201']);
    expect(await counts(cloud, a)).toEqual({ events: 2, biometric_data: 10, crowd_states: 10 });
    expect(await counts(cloud, b)).toEqual({ events: 2, biometric_data: 20, crowd_states: 20 });
    const sessionOf = async (t: Tenant, event: number) => {
      const list = await cloud.call('GET', `/api/v1/venues/${t.venueId}/sessions`, t.viewer);
      const items = list.json.items as unknown as { id: number; event_id: number }[];
      return (await cloud.call('GET', `/api/v1/sessions/${items.find((i) => i.event_id === event)!.id}`, t.viewer))
        .json;
    };
    // A's first night was summarised again without its readings; B's is untouched.
    expect((await sessionOf(a, 1)).records).toEqual({});
    expect((await sessionOf(b, 1)).records).toEqual({ biometric_data: 10, crowd_states: 10 });

    // Day 61: B is done with it too: the first night's features day is dropped whole.
    clock = t0 + 61 * DAY;
    run = await applyCloudRetention(cloud.db.db, clock, 365);
    expect(run.dropped).toEqual(['records_f_20261121']);
    expect(run.deleted).toEqual({ [`${a.orgId}:features`]: 20 });
    const tables = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM pg_class WHERE relname = 'records_f_20261121'`.execute(cloud.db.db);
    expect(tables.rows[0]!.n).toBe(0);
    expect(await counts(cloud, b)).toEqual({ events: 2, biometric_data: 10, crowd_states: 10 });
    expect((await sessionOf(b, 1)).records).toEqual({});
    expect((await sessionOf(b, 2)).crowd).toMatchObject({ samples: 10 });

    // A reading of the dropped day sent late: the day is made again (this process thought it gone or there).
    const late = night(b.boxUid, 3, t0 + 3_600_000, 500);
    expect((await send(b, late)).status).toBe(200);
    expect(await days('features')).toContain('records_f_20261121');
    run = await applyCloudRetention(cloud.db.db, clock, 365);
    expect(run.dropped).toEqual(expect.arrayContaining(['records_f_20261121']));
  });

  it('refuses a batch whose readings would make more days than a box can have been away', async () => {
    const records: Rec[] = Array.from({ length: 70 }, (_, i) => ({
      seq: 10_000 + i,
      entity: 'biometric_data' as const,
      id: 50_000 + i,
      op: 'upsert' as const,
      data: { id: 50_000 + i, recorded_at: Date.UTC(2030, 0, 1) + i * 3 * DAY, heart_rate: 80 },
    }));
    const r = await send(a, { box: a.boxUid, sent_at: clock, records });
    expect(r.status).toBe(422);
    expect(r.json.error).toMatchObject({ code: 'too_many_days', message: expect.stringMatching(/70 days/) as unknown });
  });
});

describe.each(['postgres', 'sqlite'] as const)('session summaries kept at ingest (%s)', (kind) => {
  it('equal the summaries rebuilt from the readings after resent, reordered and corrected batches', async () => {
    const cloud = await cloudFixture(kind, pg);
    try {
      const t = await cloud.tenant('s');
      const batch = night(t.boxUid, 9, t0, 1);
      // Readings before their event, each half twice, the second half first.
      const half = Math.floor(batch.records.length / 2);
      const parts = [batch.records.slice(half), batch.records.slice(0, half)];
      for (const p of [...parts, ...parts])
        expect((await cloud.call('POST', '/api/v1/ingest', t.boxToken, { ...batch, records: p })).status).toBe(200);
      // A corrected heart rate (a newer version of a reading already counted).
      const fix = batch.records.find((r) => r.entity === 'biometric_data')!;
      const corrected = { ...fix, seq: 9_000, data: { ...fix.data, heart_rate: 150 } };
      expect((await cloud.call('POST', '/api/v1/ingest', t.boxToken, { ...batch, records: [corrected] })).status).toBe(
        200,
      );
      const snapshot = async () => {
        const read = (table: 'session_streams' | 'session_crowd' | 'session_dancer_stats') =>
          cloud.db.db.selectFrom(table).selectAll().execute();
        const rows = {
          streams: await read('session_streams'),
          crowd: await read('session_crowd'),
          dancers: await read('session_dancer_stats'),
        };
        const sort = (xs: object[]): string[] =>
          xs
            .map((x): string =>
              JSON.stringify(
                Object.entries(x as Record<string, unknown>).map(([k, v]): [string, unknown] => [
                  k,
                  typeof v === 'number' ? Math.round(v * 1e6) / 1e6 : v,
                ]),
              ),
            )
            .sort();
        return { streams: sort(rows.streams), crowd: sort(rows.crowd), dancers: sort(rows.dancers) };
      };
      const kept = await snapshot();
      expect(kept.streams).toHaveLength(3); // hr, crowd, acc
      expect(await rebuildSessions(cloud.db.db, ['1:9'])).toBe(1);
      expect(await snapshot()).toEqual(kept);
      const list = await cloud.call('GET', `/api/v1/venues/${t.venueId}/sessions`, t.viewer);
      const id = (list.json.items as unknown as { id: number }[])[0]!.id;
      const dancers = (await cloud.call('GET', `/api/v1/sessions/${id}/dancers`, t.viewer)).json as unknown as {
        hr: { max: number };
      }[];
      expect(dancers.map((d) => d.hr.max).sort((x, y) => x - y)).toEqual([99, 150]);
    } finally {
      await cloud.close();
    }
  });
});
