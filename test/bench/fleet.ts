/**
 * The cloud under a fleet (`npm run bench -- fleet`, about 12 minutes): PostgreSQL holding a
 * 10-million-record history (100 sessions of one box), pgbouncer in transaction mode, and the
 * built `codance cloud` behind HAProxy, first one instance, then two. Fifty lightweight boxes
 * (concurrent HTTP clients, not daemons) each push gzip batches of 500 realistic records
 * (heart rate, EDA, arousal rows and 50 Hz accelerometer chunks) while a dashboard user pages
 * a 100 000-record session. Figures per instance count: records accepted per second, p99
 * batch latency, PostgreSQL CPU seconds per second and WAL bytes per record, and the
 * dashboard's session-page p95.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { sql } from 'kysely';
import { Accounts } from '../../sync/cloud/accounts.js';
import { migrateCloud, openCloudDb } from '../../sync/cloud/database.js';
import { DAY_MS, Partitions, type TimedClass } from '../../sync/cloud/partitions.js';
import { ensureSummaries } from '../../sync/cloud/summary-rebuild.js';
import { CLI, ROOT, freePort } from '../helpers/daemon-process.js';
import { startHaproxy, startPgbouncer, type Peer } from '../helpers/fleet-peers.js';
import { postgres } from '../helpers/postgres.js';
import { waitFor } from '../helpers/wait.js';
import { pct, round, type Figure } from './figure.js';
import { batch } from './fleet-batch.js';
import { retentionFigures } from './fleet-retention.js';
import { sessionPagePlans } from './query-plans.js';

const HISTORY = 10_000_000;
const SESSIONS = 100;
const BOXES = 50;
const BATCHES = 20;
const PER_BATCH = 500;

/** CPU seconds used so far by every PostgreSQL process (the postmaster and its backends). */
function postgresCpuS(): number {
  const tick = 100; // USER_HZ
  let total = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(f[11]) + Number(f[12])) / tick;
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

export async function fleetFigures(): Promise<Record<string, Figure>> {
  const pg = await postgres();
  const peers: Peer[] = [];
  const clouds: ChildProcess[] = [];
  try {
    const url = pg.createDb('fleet');
    const cloud = openCloudDb(url);
    await migrateCloud(cloud);
    const accounts = new Accounts(cloud.db);
    const { orgId, userId } = await accounts.createOrg('Fleet', {
      email: 'ops@fleet.example',
      password: 'bench-password',
    });
    const venue = await accounts.createVenue(orgId, 'hall');
    // The history: one box's 100 sessions of 100 000 heart-rate records each.
    const { code } = await accounts.enrolmentCode(venue, userId);
    await accounts.enrol(code, randomUUID(), 'history');
    const historyBox = (await cloud.db.selectFrom('boxes').select('id').executeTakeFirstOrThrow()).id;
    const now = Date.now();
    const day0 = Math.floor(now / DAY_MS) - SESSIONS;
    // The readings' days exist before the rows come (a batch's ingest makes them the same way).
    const days = Array.from({ length: SESSIONS + 2 }, (_, i): [TimedClass, number] => ['features', day0 + i]);
    const partitions = new Partitions(cloud.db);
    for (let i = 0; i < days.length; i += 50) await partitions.ensure(days.slice(i, i + 50));
    await sql`INSERT INTO records (box_id, entity, entity_id, seq, event_id, at, stream, user_ref, data, received_at)
      SELECT ${historyBox}, 'events', s, s, s, ${(day0 + 1) * DAY_MS}::bigint + (s - 1) * 86400000::bigint, NULL, NULL,
             '{"id":' || s || ',"name":"night ' || s || '"}', ${now}::bigint
      FROM generate_series(1, ${SESSIONS}) s`.execute(cloud.db);
    const per = HISTORY / SESSIONS;
    // Session s is on day day0 + s, from 18:00, one reading every 100 ms (about 2.8 hours).
    await sql`INSERT INTO records (box_id, entity, entity_id, seq, event_id, at, stream, user_ref, data, received_at, part_at)
      SELECT ${historyBox}, 'biometric_data', g, ${SESSIONS} + g, h.s, h.at, 'hr', (g % 200) + 1,
             '{"heart_rate":' || (60 + g % 100) || ',"id":' || g || ',"user_id":' || (g % 200 + 1) || '}', ${now}::bigint, h.at
      FROM generate_series(1, ${HISTORY}) g,
           LATERAL (SELECT (g - 1) / ${per} + 1 AS s,
                           (${day0}::bigint + (g - 1) / ${per} + 1) * 86400000 + 64800000 + ((g - 1) % ${per})::bigint * 100 AS at) h`.execute(
      cloud.db,
    );
    const built = performance.now();
    await ensureSummaries(cloud.db);
    const buildS = (performance.now() - built) / 1000;
    await sql`ANALYZE records`.execute(cloud.db);
    const session = (
      await cloud.db
        .selectFrom('records')
        .select('id')
        .where('entity', '=', 'events')
        .where('entity_id', '=', SESSIONS / 2)
        .executeTakeFirstOrThrow()
    ).id;
    const plans = await sessionPagePlans(url, session);
    const owner = (await accounts.login('ops@fleet.example', 'bench-password'))!.token;
    const boxes: { uid: string; token: string }[] = [];
    for (let b = 0; b < BOXES; b++) {
      const c = await accounts.enrolmentCode(venue, userId);
      const uid = randomUUID();
      boxes.push({ uid, token: (await accounts.enrol(c.code, uid, `box-${b}`)).token });
    }
    await cloud.close();

    const bouncer = await startPgbouncer(pg.port, 'fleet');
    peers.push(bouncer);
    const ports: number[] = [];
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      clouds.push(
        spawn(process.execPath, [CLI, 'cloud', '--db', bouncer.url, '--port', String(port), '--log-level', 'warn'], {
          cwd: ROOT,
          stdio: 'ignore',
        }),
      );
      await waitFor(
        async () => (await fetch(`http://127.0.0.1:${port}/ready`).catch(() => undefined))?.ok === true,
        'cloud',
        30_000,
        100,
      );
      ports.push(port);
    }
    const figures: Record<string, Figure> = {
      'cloud.summary_rebuild_readings_per_s': {
        value: round(HISTORY / buildS),
        unit: `readings/s folded into session summaries when they are built from scratch (${HISTORY / 1e6} M readings, ${SESSIONS} sessions: ${round(buildS, 1)} s; what a cloud moving to this version does once at start)`,
      },
      'cloud.session_page_seq_scans': {
        value: plans.seqScans,
        unit: `sequential scans of records partitions holding over 10 000 rows in the ${plans.statements} statements of a session page on the ${HISTORY / 1e6} M-record store (EXPLAIN); indexes used: ${plans.indexes.join(', ')}; small tables scanned: ${plans.seqScanned.join(', ') || 'none'}`,
      },
      'cloud.session_page_db_ms': {
        value: round(plans.executionMs, 2),
        unit: `ms, PostgreSQL's execution time of those ${plans.statements} statements together (EXPLAIN ANALYZE, idle store)`,
      },
    };
    let round_ = 0;
    for (const instances of [1, 2]) {
      const lb = await startHaproxy(ports.slice(0, instances));
      peers.push(lb);
      const loadPage = async (): Promise<number> => {
        const t = performance.now();
        for (const path of [`/api/v1/sessions/${session}`, `/api/v1/sessions/${session}/data?stream=hr&limit=500`])
          await fetch(`${lb.origin}${path}`, { headers: { authorization: `Bearer ${owner}` } }).then((r) =>
            r.arrayBuffer(),
          );
        return performance.now() - t;
      };
      const wal = async (): Promise<number> => {
        const db = openCloudDb(url);
        try {
          const r = await sql<{ b: string }>`SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::text AS b`.execute(
            db.db,
          );
          return Number(r.rows[0]!.b);
        } finally {
          await db.close();
        }
      };
      // The page on an idle cloud first: what the dashboard costs without ingest queued before it.
      const idle: number[] = [];
      for (let i = 0; i < 10; i++) idle.push(await loadPage());
      const walBefore = await wal();
      const cpuBefore = postgresCpuS();
      const latencies: number[] = [];
      const pages: number[] = [];
      let ingesting = true;
      const dashboard = (async () => {
        while (ingesting) pages.push(await loadPage());
      })();
      const started = performance.now();
      await Promise.all(
        boxes.map(async (box) => {
          for (let b = 0; b < BATCHES; b++) {
            const body = gzipSync(JSON.stringify(batch(box.uid, round_ * BATCHES + b, PER_BATCH)));
            const t = performance.now();
            const res = await fetch(`${lb.origin}/api/v1/ingest`, {
              method: 'POST',
              headers: {
                authorization: `Bearer ${box.token}`,
                'content-type': 'application/json',
                'content-encoding': 'gzip',
              },
              body,
            });
            if (res.status !== 200) throw new Error(`ingest ${res.status}: ${await res.text()}`);
            await res.arrayBuffer();
            latencies.push(performance.now() - t);
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      ingesting = false;
      await dashboard;
      const records = BOXES * BATCHES * PER_BATCH;
      const cpu = postgresCpuS() - cpuBefore;
      const walBytes = (await wal()) - walBefore;
      lb.stop();
      round_++;
      const k = `cloud.fleet_${instances}x`;
      figures[`${k}.records_per_s`] = {
        value: round(records / seconds),
        unit: `records/s accepted (${BOXES} boxes × ${BATCHES} batches of ${PER_BATCH}, concurrently, over a ${HISTORY / 1e6} M-record store)`,
      };
      figures[`${k}.batch_p99_ms`] = {
        value: round(pct(latencies, 99), 1),
        unit: `ms, p99 of a batch (p50 ${round(pct(latencies, 50), 1)})`,
      };
      figures[`${k}.postgres_cpu_s_per_s`] = {
        value: round(cpu / seconds, 2),
        unit: 'CPU seconds per second used by PostgreSQL (2 cores here)',
      };
      figures[`${k}.wal_bytes_per_record`] = {
        value: round(walBytes / records),
        unit: 'bytes of WAL written per record accepted',
      };
      figures[`${k}.session_page_p95_ms`] = {
        value: round(pct(pages, 95), 1),
        unit: `ms, p95 of a 100 000-record session's summary and first data page while ingest runs (${pages.length} loads)`,
      };
      figures[`${k}.session_page_idle_p95_ms`] = {
        value: round(pct(idle, 95), 1),
        unit: `ms, p95 of the same page with no ingest running (${idle.length} loads)`,
      };
    }
    Object.assign(figures, await retentionFigures(url, orgId, day0));
    return figures;
  } finally {
    for (const c of clouds) c.kill('SIGTERM');
    for (const p of peers) p.stop();
    pg.stop();
  }
}
