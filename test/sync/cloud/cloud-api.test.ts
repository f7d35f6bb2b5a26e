/**
 * The cloud API on both of its databases: SQLite (embedded default) and a real PostgreSQL 15
 * started by this file. Enrolment, idempotent ingest, the pull routes, and tenancy: nothing
 * of one organisation is visible to a user or box of another, on any pull route.
 */
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgres, type Postgres } from '../../helpers/postgres.js';
import { cloudFixture, sessionBatch, type CloudFixture, type J, type Tenant } from './cloud-fixture.js';

let pg: Postgres;
beforeAll(async () => {
  pg = await postgres();
}, 60_000);
afterAll(() => pg?.stop());

describe.each(['sqlite', 'postgres'] as const)('codance cloud on %s', (kind) => {
  let cloud: CloudFixture;
  let a: Tenant;
  let b: Tenant;
  let sessionA: number;
  let sessionB: number;

  beforeAll(async () => {
    cloud = await cloudFixture(kind, pg);
    a = await cloud.tenant('a');
    b = await cloud.tenant('b');
    for (const t of [a, b]) {
      const r = await cloud.call(
        'POST',
        '/api/v1/ingest',
        t.boxToken,
        gzipSync(JSON.stringify(sessionBatch(t.boxUid))),
        { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      );
      expect(r.status, JSON.stringify(r.json)).toBe(200);
    }
    sessionA = (await cloud.call('GET', `/api/v1/venues/${a.venueId}/sessions`, a.owner)).json.items![0]!
      .id as unknown as number;
    sessionB = (await cloud.call('GET', `/api/v1/venues/${b.venueId}/sessions`, b.owner)).json.items![0]!
      .id as unknown as number;
  }, 60_000);
  afterAll(() => cloud?.close());

  it('acknowledges a batch sent twice without storing anything twice, and keeps the newest seq of a record', async () => {
    const batch = sessionBatch(a.boxUid);
    const again = await cloud.call('POST', '/api/v1/ingest', a.boxToken, batch);
    expect(again.status).toBe(200);
    expect(again.json).toEqual({ accepted: 0, duplicates: batch.records.length, max_seq: 41 });
    // an older entry of a record arriving late changes nothing; a newer one replaces it
    const stale = await cloud.call('POST', '/api/v1/ingest', a.boxToken, {
      box: a.boxUid,
      sent_at: 0,
      records: [{ seq: 1, entity: 'events', id: 1, op: 'upsert', data: { id: 1, name: 'stale' } }],
    });
    expect(stale.json.accepted).toBe(0);
    const newer = await cloud.call('POST', '/api/v1/ingest', a.boxToken, {
      box: a.boxUid,
      sent_at: 0,
      records: [
        {
          seq: 100,
          entity: 'events',
          id: 1,
          op: 'upsert',
          data: { ...sessionBatch(a.boxUid).records[0]!.data, name: 'Friday social (renamed)' },
        },
      ],
    });
    expect(newer.json.accepted).toBe(1);
    const summary = await cloud.call('GET', `/api/v1/sessions/${sessionA}`, a.viewer);
    expect(summary.status).toBe(200);
    expect(summary.json).toMatchObject({
      name: 'Friday social (renamed)',
      dancers: 2,
      records: { biometric_data: 20, crowd_states: 20 },
      crowd: { samples: 20, peak_active_dancers: 2 },
    });
    expect(summary.json.crowd!.energy_mean).toBeCloseTo(0.5);
    expect(
      (summary.json.streams as unknown as { stream: string; count: number }[]).map((s) => [s.stream, s.count]),
    ).toEqual([
      ['crowd', 20],
      ['hr', 20],
    ]);
    const count = await cloud.db.db
      .selectFrom('records')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(2 * 41);
  });

  it('pages a session stream by time range with a stable cursor', async () => {
    const from = '2026-11-21T21:00:05.000Z';
    const to = '2026-11-21T21:00:15.000Z';
    const seen: number[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const q: string = `stream=hr&limit=3&from=${from}&to=${to}${after ? `&after=${after}` : ''}`;
      const r = await cloud.call('GET', `/api/v1/sessions/${sessionA}/data?${q}`, a.viewer);
      expect(r.status, JSON.stringify(r.json)).toBe(200);
      for (const item of r.json.items as unknown as J[]) seen.push(item.data!.heart_rate as unknown as number);
      after = r.json.next as unknown as string | null;
      pages++;
    } while (after);
    expect(seen).toEqual([105, 106, 107, 108, 109, 110, 111, 112, 113, 114]);
    expect(pages).toBe(4);
    const bad = await cloud.call('GET', `/api/v1/sessions/${sessionA}/data?stream=hr&after=nonsense`, a.viewer);
    expect(bad.status).toBe(422);
    expect(bad.json.error!.field).toBe('query.after');
  });

  it('summarises each dancer, lists the timeline, and exports a stream as CSV a spreadsheet cannot run', async () => {
    const dancers = await cloud.call('GET', `/api/v1/sessions/${sessionA}/dancers`, a.viewer);
    expect(dancers.status).toBe(200);
    // users 1 and 2 alternate: 100, 102, … 118 and 101, 103, … 119 bpm
    expect(dancers.json).toMatchObject([
      { user: 1, label: 'dancer 1', hr: { n: 10, mean: 109, max: 118 }, patterns: 0, arousal: { n: 0, mean: null } },
      {
        user: 2,
        label: 'dancer 2',
        hr: { n: 10, mean: 110, max: 119 },
        first: '2026-11-21T21:00:01.000Z',
        last: '2026-11-21T21:00:19.000Z',
      },
    ]);
    // an output event whose type is a formula, and a pattern detection with its pattern's name
    const extra = await cloud.call('POST', '/api/v1/ingest', a.boxToken, {
      box: a.boxUid,
      sent_at: 0,
      records: [
        {
          seq: 200,
          entity: 'visualization_events',
          id: 1,
          op: 'upsert',
          data: {
            id: 1,
            event_id: 1,
            occurred_at: Date.parse('2026-11-21T21:00:03Z'),
            viz_type: '=HYPERLINK("http://x","a,b")',
          },
        },
        { seq: 201, entity: 'movement_patterns', id: 4, op: 'upsert', data: { id: 4, name: 'dip' } },
        {
          seq: 202,
          entity: 'detected_patterns',
          id: 9,
          op: 'upsert',
          data: {
            id: 9,
            event_id: 1,
            pattern_id: 4,
            user_id: 2,
            detected_at: Date.parse('2026-11-21T21:00:02Z'),
            confidence: 0.875,
          },
        },
      ],
    });
    expect(extra.status, JSON.stringify(extra.json)).toBe(200);
    const timeline = await cloud.call('GET', `/api/v1/sessions/${sessionA}/timeline`, a.viewer);
    expect(timeline.json).toEqual({
      items: [
        { at: '2026-11-21T21:00:02.000Z', kind: 'pattern', text: 'dip (88 %)', dancer: 'dancer 2' },
        { at: '2026-11-21T21:00:03.000Z', kind: 'visualization', text: '=HYPERLINK("http://x","a,b")', dancer: null },
      ],
      truncated: false,
    });
    expect((await cloud.call('GET', `/api/v1/sessions/${sessionA}/timeline?limit=1`, a.viewer)).json.truncated).toBe(
      true,
    );

    const crowd = await cloud.app.request(`/api/v1/sessions/${sessionA}/export.csv?stream=crowd`, {
      headers: { authorization: `Bearer ${a.viewer}` },
    });
    expect(crowd.status).toBe(200);
    expect(crowd.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(crowd.headers.get('content-disposition')).toMatch(/^attachment; filename="[0-9a-f]{8}-event-1-crowd\.csv"$/);
    const lines = (await crowd.text()).split('\r\n');
    expect(lines[0]).toBe('time,record,active_dancers,arousal_mean,at,energy,event_id,id,extra');
    expect(lines[1]).toBe(
      `2026-11-21T21:00:00.000Z,crowd_states/1000,2,0.4,${Date.parse('2026-11-21T21:00:00Z')},0.5,1,1000,`,
    );
    expect(lines.length).toBe(1 + 20 + 1); // header, 20 states, and the final CRLF
    const viz = await (
      await cloud.app.request(`/api/v1/sessions/${sessionA}/export.csv?stream=visualization`, {
        headers: { authorization: `Bearer ${a.viewer}` },
      })
    ).text();
    expect(viz.split('\r\n')[1]).toContain(`,"'=HYPERLINK(""http://x"",""a,b"")",`);
    const bad = await cloud.call('GET', `/api/v1/sessions/${sessionA}/export.csv?stream=`, a.viewer);
    expect(bad.status).toBe(422);
    expect(bad.json.error!.field).toBe('query.stream');
  });

  it('gives a user or box of one organisation 403/404 for every resource of another, on every pull route', async () => {
    const doc = (await cloud.call('GET', '/openapi.json')).json as unknown as {
      paths: Record<string, Record<string, unknown>>;
    };
    const pullRoutes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops)
        .filter((m) => m === 'get')
        .map(() => path),
    );
    // Each pull route, filled in with organisation B's resources and with A's.
    const fill = (path: string, t: Tenant, session: number): string =>
      path
        .replace('/orgs/{id}', `/orgs/${t.orgId}`)
        .replace('/venues/{id}', `/venues/${t.venueId}`)
        .replace('/sessions/{id}', `/sessions/${session}`)
        .replace('{uid}', t.boxUid)
        .replace('{pseudonym}', 'p_nobody') + (path.endsWith('/data') ? '?stream=hr' : '');
    const covered = [
      '/api/v1/orgs',
      '/api/v1/orgs/{id}/venues',
      '/api/v1/venues/{id}/boxes',
      '/api/v1/venues/{id}/sessions',
      '/api/v1/sessions/{id}',
      '/api/v1/sessions/{id}/data',
      '/api/v1/sessions/{id}/dancers',
      '/api/v1/sessions/{id}/timeline',
      '/api/v1/sessions/{id}/export.csv',
      '/api/v1/boxes/{uid}/checksums',
      '/api/v1/orgs/{id}/retention',
      '/api/v1/orgs/{id}/audit',
      '/api/v1/orgs/{id}/pseudonyms/{pseudonym}/export',
    ];
    // Routes some callers may not use in their own organisation either (the rest answer them 200).
    const ownStatus: Record<string, Record<string, number>> = {
      '/api/v1/orgs/{id}/audit': { 'viewer of A': 403, 'box of A': 403 },
      // No dancer has that pseudonym: the owner gets 404, the others may not ask.
      '/api/v1/orgs/{id}/pseudonyms/{pseudonym}/export': { 'owner of A': 404, 'viewer of A': 403, 'box of A': 403 },
    };
    expect(pullRoutes.sort()).toEqual(covered.sort()); // a new pull route must be added here, and so gets this test
    const callers = { 'owner of A': a.owner, 'viewer of A': a.viewer, 'box of A': a.boxToken };
    let checked = 0;
    for (const path of pullRoutes.filter((p) => p.includes('{'))) {
      for (const [who, token] of Object.entries(callers)) {
        const foreign = await cloud.call('GET', fill(path, b, sessionB), token);
        expect([403, 404], `${who} GET ${fill(path, b, sessionB)} answered ${foreign.status}`).toContain(
          foreign.status,
        );
        expect(JSON.stringify(foreign.json)).not.toContain('Friday social');
        const own = await cloud.call('GET', fill(path, a, sessionA), token);
        expect(own.status, `${who} GET ${fill(path, a, sessionA)}`).toBe(ownStatus[path]?.[who] ?? 200);
        checked++;
      }
    }
    expect(checked).toBe(12 * 3);
    // the list of organisations shows only one's own
    const orgs = await cloud.call('GET', '/api/v1/orgs', a.owner);
    expect((orgs.json as unknown as { id: number }[]).map((o) => o.id)).toEqual([a.orgId]);
    // and the admin routes refuse too
    expect([403, 404]).toContain(
      (await cloud.call('POST', `/api/v1/orgs/${b.orgId}/venues`, a.owner, { name: 'x' })).status,
    );
    expect([403, 404]).toContain(
      (await cloud.call('POST', `/api/v1/venues/${b.venueId}/enrolment-codes`, a.owner)).status,
    );
    expect([403, 404]).toContain(
      (
        await cloud.call('POST', `/api/v1/orgs/${b.orgId}/members`, a.owner, {
          email: 'x@a.example',
          role: 'owner',
          password: 'xxxxxxxx',
        })
      ).status,
    );
    // a box may not write another box's batch, nor a viewer make codes
    expect((await cloud.call('POST', '/api/v1/ingest', a.boxToken, sessionBatch(b.boxUid))).status).toBe(403);
    expect((await cloud.call('POST', `/api/v1/venues/${a.venueId}/enrolment-codes`, a.viewer)).status).toBe(403);
    expect((await cloud.call('GET', `/api/v1/venues/${a.venueId}/sessions`)).status).toBe(401);
  });

  it('spends an enrolment code once, and a re-enrolled box loses its old credential', async () => {
    const code = (await cloud.call('POST', `/api/v1/venues/${a.venueId}/enrolment-codes`, a.owner)).json
      .code as unknown as string;
    expect(code).toMatch(/^[A-Z2-9]{5}-[A-Z2-9]{5}$/);
    const first = await cloud.call('POST', '/api/v1/enrol', undefined, {
      code: code.toLowerCase(),
      box: a.boxUid,
      name: 'box-a',
    });
    expect(first.status).toBe(201);
    const second = await cloud.call('POST', '/api/v1/enrol', undefined, { code, box: a.boxUid, name: 'box-a' });
    expect(second.status).toBe(403);
    expect(second.json.error!.code).toBe('invalid_code');
    expect((await cloud.call('GET', `/api/v1/venues/${a.venueId}/boxes`, a.boxToken)).status).toBe(401);
    a.boxToken = first.json.token as unknown as string;
    expect((await cloud.call('GET', `/api/v1/venues/${a.venueId}/boxes`, a.boxToken)).status).toBe(200);
    // a box enrolled at A's venue cannot be taken over with a code of B's venue
    const codeB = (await cloud.call('POST', `/api/v1/venues/${b.venueId}/enrolment-codes`, b.owner)).json
      .code as unknown as string;
    expect(
      (await cloud.call('POST', '/api/v1/enrol', undefined, { code: codeB, box: a.boxUid, name: 'x' })).status,
    ).toBe(409);
  });

  it('refuses a forged seq beyond what the box can have written, so no record is frozen by it', async () => {
    const record = (seq: number, name: string) => ({
      box: b.boxUid,
      sent_at: 0,
      records: [{ seq, entity: 'events', id: 777, op: 'upsert', data: { id: 777, name, starts_at: 0, ends_at: 1 } }],
    });
    expect((await cloud.call('POST', '/api/v1/ingest', b.boxToken, record(50, 'real'))).status).toBe(200);
    const absurd = await cloud.call('POST', '/api/v1/ingest', b.boxToken, record(2 ** 53 - 1, 'forged'));
    expect(absurd.status).toBe(422);
    expect(absurd.json.error!.field).toBe('body.records.0.seq');
    expect(absurd.json.error!.message).toMatch(/beyond what a box can have written/);
    const ahead = await cloud.call('POST', '/api/v1/ingest', b.boxToken, record(2 ** 39, 'forged'));
    expect(ahead.status).toBe(422);
    expect(ahead.json.error!.code).toBe('seq_out_of_range');
    expect(ahead.json.error!.message).toMatch(
      /^seq 549755813888 is beyond what this box can have written since it was last seen/,
    );
    // The box's next real update still lands.
    expect((await cloud.call('POST', '/api/v1/ingest', b.boxToken, record(60, 'renamed'))).json.accepted).toBe(1);
  });

  it('refuses JSON nested too deep with a 422 naming the limit, plain or gzipped, never a 500', async () => {
    const deep = `{"box":"${b.boxUid}","sent_at":0,"records":[{"seq":1,"entity":"events","id":1,"op":"upsert","data":{"x":${'['.repeat(5000)}${']'.repeat(5000)}}}]}`;
    for (const [body, headers] of [
      [deep, undefined],
      [gzipSync(deep), { 'content-type': 'application/json', 'content-encoding': 'gzip' }],
    ] as const) {
      const r = await cloud.call('POST', '/api/v1/ingest', b.boxToken, body, headers);
      expect(r.status).toBe(422);
      expect(r.json.error).toMatchObject({
        code: 'too_deep',
        message:
          'the ' + (headers ? 'batch' : 'JSON body') + ' nests deeper than 64 levels, the limit for request bodies',
      });
    }
    const login = await cloud.call(
      'POST',
      '/api/v1/auth/login',
      undefined,
      `{"email":${'['.repeat(5000)}${']'.repeat(5000)}}`,
    );
    expect(login.status).toBe(422);
  });

  it('answers bad ingest bodies with a clear 4xx naming what is wrong, never a 500', async () => {
    const gz = { 'content-type': 'application/json', 'content-encoding': 'gzip' };
    expect((await cloud.call('POST', '/api/v1/ingest', b.boxToken, Buffer.from('not gzip'), gz)).json.error!.code).toBe(
      'bad_body',
    );
    expect((await cloud.call('POST', '/api/v1/ingest', b.boxToken, '{nope')).json.error!.code).toBe('bad_json');
    const bad = await cloud.call('POST', '/api/v1/ingest', b.boxToken, {
      box: b.boxUid,
      sent_at: 0,
      records: [{ seq: 1, entity: 'passwords', id: 1, op: 'upsert' }],
    });
    expect(bad.status).toBe(422);
    expect(bad.json.error!.field).toBe('body.records.0.entity');
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.json(),
          fc
            .record(
              {
                box: fc.constant(b.boxUid),
                sent_at: fc.integer(),
                records: fc.array(
                  fc.record({
                    seq: fc.integer(),
                    entity: fc.constantFrom('events', 'users', 'x'),
                    id: fc.integer(),
                    op: fc.string(),
                    data: fc.anything(),
                  }),
                ),
              },
              { requiredKeys: [] },
            )
            .map((o) => JSON.stringify(o)),
        ),
        async (body) => {
          const r = await cloud.call('POST', '/api/v1/ingest', b.boxToken, body);
          expect(r.status).toBeLessThan(500);
        },
      ),
      { numRuns: 60 },
    );
  });
});
