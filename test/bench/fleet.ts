/**
 * The cloud under a fleet (`npm run bench -- fleet`, about 10 minutes): PostgreSQL holding a
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
import type { SyncBatch } from '../../sync/contract.js';
import { CLI, ROOT, freePort } from '../helpers/daemon-process.js';
import { startHaproxy, startPgbouncer, type Peer } from '../helpers/fleet-peers.js';
import { postgres } from '../helpers/postgres.js';
import { waitFor } from '../helpers/wait.js';
import { pct, round, type Figure } from './figure.js';
import { sessionPagePlans } from './query-plans.js';

const HISTORY = 10_000_000;
const SESSIONS = 100;
const BOXES = 50;
const BATCHES = 20;
const PER_BATCH = 500;
const CHUNK_B64 = Buffer.alloc(600, 7).toString('base64');

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

function batch(box: string, b: number, n: number): SyncBatch {
  const t0 = Date.now() - 3_600_000 + b * PER_BATCH * 10;
  const records: SyncBatch['records'] = [];
  for (let i = 0; i < n; i++) {
    const id = b * n + i + 1;
    const at = t0 + i * 10;
    const kind = i % 5;
    records.push(
      kind === 4
        ? {
            seq: id,
            entity: 'stream_chunks',
            id,
            op: 'upsert',
            data: {
              id,
              device_id: 1 + (i % 8),
              event_id: 1,
              stream: 'acc',
              started_at: at,
              first_index: id * 50,
              rate_hz: 50,
              channels: 3,
              sample_count: 50,
              encoding: 'f32le',
              data: CHUNK_B64,
            },
          }
        : kind === 3
          ? {
              seq: id,
              entity: 'inferences',
              id,
              op: 'upsert',
              data: {
                id,
                device_id: 1 + (i % 8),
                user_id: 1 + (i % 8),
                event_id: 1,
                at,
                model: 'arousal',
                value: 0.42,
                inputs: '[0.1,0.2,0.3,0.4]',
              },
            }
          : {
              seq: id,
              entity: 'biometric_data',
              id,
              op: 'upsert',
              data: {
                id,
                user_id: 1 + (i % 8),
                event_id: 1,
                device_id: 1 + (i % 8),
                recorded_at: at,
                stream_index: id,
                [kind === 0 ? 'heart_rate' : 'gsr_us']: 91.5,
                source: 'sensor',
              },
            },
    );
  }
  return { box, sent_at: Date.now(), records };
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
    await sql`INSERT INTO records (box_id, entity, entity_id, seq, event_id, at, stream, user_ref, data, received_at)
      SELECT ${historyBox}, 'events', s, s, s, ${now}::bigint - (${SESSIONS} - s + 1) * 86400000::bigint, NULL, NULL,
             '{"id":' || s || ',"name":"night ' || s || '"}', ${now}::bigint
      FROM generate_series(1, ${SESSIONS}) s`.execute(cloud.db);
    const per = HISTORY / SESSIONS;
    await sql`INSERT INTO records (box_id, entity, entity_id, seq, event_id, at, stream, user_ref, data, received_at)
      SELECT ${historyBox}, 'biometric_data', g, ${SESSIONS} + g, (g - 1) / ${per} + 1,
             ${now}::bigint - (${SESSIONS} - (g - 1) / ${per}) * 86400000::bigint + ((g - 1) % ${per})::bigint * 100, 'hr', (g % 200) + 1,
             '{"heart_rate":' || (60 + g % 100) || ',"id":' || g || ',"user_id":' || (g % 200 + 1) || '}', ${now}::bigint
      FROM generate_series(1, ${HISTORY}) g`.execute(cloud.db);
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
      'cloud.session_page_seq_scans': {
        value: plans.seqScans,
        unit: `sequential scans of records in the ${plans.statements} statements of a session page on the ${HISTORY / 1e6} M-record store (EXPLAIN); indexes used: ${plans.indexes.join(', ')}`,
      },
    };
    let round_ = 0;
    for (const instances of [1, 2]) {
      const lb = await startHaproxy(ports.slice(0, instances));
      peers.push(lb);
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
      const walBefore = await wal();
      const cpuBefore = postgresCpuS();
      const latencies: number[] = [];
      const pages: number[] = [];
      let ingesting = true;
      const dashboard = (async () => {
        while (ingesting) {
          const t = performance.now();
          for (const path of [`/api/v1/sessions/${session}`, `/api/v1/sessions/${session}/data?stream=hr&limit=500`])
            await fetch(`${lb.origin}${path}`, { headers: { authorization: `Bearer ${owner}` } }).then((r) =>
              r.arrayBuffer(),
            );
          pages.push(performance.now() - t);
        }
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
    }
    return figures;
  } finally {
    for (const c of clouds) c.kill('SIGTERM');
    for (const p of peers) p.stop();
    pg.stop();
  }
}
