/**
 * The cloud as a fleet: two `codance cloud` instances behind HAProxy (round robin, checking
 * `/ready`) on one PostgreSQL through pgbouncer in transaction mode. Fifty boxes (each a real
 * store with its sync client, not a whole daemon) sync at once; each box's requests land on both
 * instances in turn; the login limit and a one-time code hold across instances; and the cloud
 * holds exactly each box's records (per table, count and checksum).
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../config/index.js';
import { SqliteOutbox } from '../../daemon/store/outbox.js';
import { setMeta } from '../../daemon/store/repositories/box-meta.js';
import { Store } from '../../daemon/store/store.js';
import { openCloudDb, type CloudDb } from '../../sync/cloud/database.js';
import { boxChecksums } from '../../sync/cloud/sessions.js';
import { entitiesOf } from '../../sync/contract.js';
import { SyncClient } from '../../sync/sync-client.js';
import { seedSession } from '../helpers/box-session.js';
import { seedDancerData } from '../helpers/dancer-data.js';
import { CLI, ROOT, freePort, tempDir } from '../helpers/daemon-process.js';
import { startHaproxy, startPgbouncer, type Peer } from '../helpers/fleet-peers.js';
import { postgres, type Postgres } from '../helpers/postgres.js';
import { runCliAsync } from '../helpers/run-cli.js';
import { waitFor } from '../helpers/wait.js';

const BOXES = 50;
/** What the instances logged (warnings and errors), shown when an expectation fails. */
let cloudLog = '';
let pg: Postgres | undefined;
const peers: Peer[] = [];
const clouds: ChildProcess[] = [];
const stores: Store[] = [];
let direct: CloudDb | undefined;
afterAll(async () => {
  for (const s of stores) await s.stop().catch(() => undefined);
  await direct?.close();
  for (const c of clouds) c.kill('SIGTERM');
  for (const p of peers) p.stop();
  pg?.stop();
});

async function startInstance(db: string, name: string): Promise<number> {
  const port = await freePort();
  const proc = spawn(
    process.execPath,
    [
      CLI,
      'cloud',
      '--db',
      db,
      '--port',
      String(port),
      '--instance',
      name,
      '--trust-proxy',
      '127.0.0.1',
      '--log-level',
      'warn',
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  clouds.push(proc);
  proc.stdout?.on('data', (d: Buffer) => (cloudLog += `${name}: ${d.toString()}`));
  proc.stderr?.on('data', (d: Buffer) => (cloudLog += `${name}: ${d.toString()}`));
  await waitFor(
    async () => (await fetch(`http://127.0.0.1:${port}/ready`).catch(() => undefined))?.ok === true,
    `cloud ${name}`,
    20_000,
    100,
  );
  return port;
}

describe('the cloud as a fleet', () => {
  it('serves fifty boxes from two instances behind HAProxy on one PostgreSQL through pgbouncer, exactly', async () => {
    pg = await postgres();
    const dbUrl = pg.createDb('fleet');
    const bouncer = await startPgbouncer(pg.port, 'fleet');
    peers.push(bouncer);
    const ports = [await startInstance(bouncer.url, 'c1'), await startInstance(bouncer.url, 'c2')];
    const lb = await startHaproxy(ports);
    peers.push(lb);
    const org = await runCliAsync(
      ['cloud', 'org', 'create', '--name', 'Fleet Co', '--owner', 'ops@fleet.example', '--db', dbUrl],
      'a long enough password\n',
    );
    expect(org.code, org.out).toBe(0);

    const call = async (path: string, init: RequestInit & { token?: string } = {}) => {
      const res = await fetch(`${lb.origin}${path}`, {
        ...init,
        headers: { 'content-type': 'application/json', ...(init.token && { authorization: `Bearer ${init.token}` }) },
      });
      return {
        status: res.status,
        instance: res.headers.get('codance-instance'),
        body: (await res.json()) as Record<string, unknown>,
      };
    };
    const login = (password: string, email = 'ops@fleet.example') =>
      call('/api/v1/auth/login', { method: 'POST', body: JSON.stringify({ email, password }) });
    const token = (await login('a long enough password')).body.access_token as string;
    // One dashboard user's requests go to both instances, in turn.
    const served = [];
    for (let i = 0; i < 6; i++) served.push((await call('/api/v1/orgs', { token })).instance);
    expect(new Set(served)).toEqual(new Set(['c1', 'c2']));
    for (let i = 1; i < served.length; i++) expect(served[i]).not.toBe(served[i - 1]);

    const venue = await call('/api/v1/orgs/1/venues', {
      method: 'POST',
      token,
      body: JSON.stringify({ name: 'Hall' }),
    });
    const code = async () =>
      (await call(`/api/v1/venues/${venue.body.id as number}/enrolment-codes`, { method: 'POST', token })).body
        .code as string;

    // A one-time code holds across instances: two boxes race for it, one wins.
    const contested = await code();
    const race = await Promise.all(
      ['00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-00000000000b'].map((box) =>
        call('/api/v1/enrol', { method: 'POST', body: JSON.stringify({ code: contested, box, name: 'racer' }) }),
      ),
    );
    expect(race.map((r) => r.status).sort(), cloudLog).toEqual([201, 403]);
    expect(new Set(race.map((r) => r.instance))).toEqual(new Set(['c1', 'c2']));

    // Fifty boxes: a session each, two dancers with bands, a minute of data; enrolled through the balancer.
    const syncConfig = configSchema.parse({
      sync: { maxDelayMs: 100, maxBatchRecords: 10, backoff: { initialMs: 100, maxMs: 1000 } },
    }).sync;
    const clients: {
      client: SyncClient;
      outbox: SqliteOutbox;
      instances: Set<string>;
      uid: string;
      token: string;
    }[] = [];
    for (let b = 0; b < BOXES; b++) {
      const path = join(tempDir('codance-fleet-box-'), 'box.db');
      const store = new Store({ path, batchMs: 100, maxBatchRows: 10_000, chunkMs: 1000 });
      await store.start();
      stores.push(store);
      const { users } = seedSession(path, { name: `Night ${b}` }, [
        { name: 'ana', cloudConsent: true, band: `b${b}-1` },
        { name: 'ben', cloudConsent: true, band: `b${b}-2` },
      ]);
      seedDancerData(store.sqlite, { userId: users.ana, band: `b${b}-raw`, t0: Date.now() - 180_000, seconds: 120 });
      const enrolled = await call('/api/v1/enrol', {
        method: 'POST',
        body: JSON.stringify({ code: await code(), box: store.boxId, name: `box-${b}` }),
      });
      expect(enrolled.status).toBe(201);
      setMeta(store.sqlite, 'cloud_url', lb.origin);
      setMeta(store.sqlite, 'cloud_token', enrolled.body.token as string);
      const outbox = new SqliteOutbox(store.sqlite, store.boxId, { pseudonymise: true });
      const instances = new Set<string>();
      const client = new SyncClient(syncConfig, outbox, {
        fetch: async (input, init) => {
          const res = await fetch(input, init);
          const who = res.headers.get('codance-instance');
          if (who) instances.add(who);
          return res;
        },
      });
      clients.push({ client, outbox, instances, uid: store.boxId, token: enrolled.body.token as string });
    }
    for (const c of clients) {
      c.client.start();
      c.client.syncNow();
    }
    await waitFor(
      () => clients.every((c) => c.client.status().backlog.entries === 0),
      'every box synced',
      120_000,
      200,
    );
    for (const c of clients) await c.client.stop();

    // A box's own requests, one after another, alternate instances.
    const box = clients[0]!;
    const seq = [];
    for (let i = 0; i < 6; i++)
      seq.push((await call(`/api/v1/boxes/${box.uid}/checksums`, { token: box.token })).instance);
    for (let i = 1; i < seq.length; i++) expect(seq[i]).not.toBe(seq[i - 1]);

    // Every box's batches (about 30 each, in batches of 10) reached both instances, and the cloud holds exactly its records.
    direct = openCloudDb(dbUrl);
    const entities = entitiesOf(['records', 'features', 'raw']);
    let records = 0;
    for (const c of clients) {
      expect(c.instances).toEqual(new Set(['c1', 'c2']));
      const cloudBox = await direct.db
        .selectFrom('boxes')
        .select('id')
        .where('uid', '=', c.uid)
        .executeTakeFirstOrThrow();
      const theirs = await boxChecksums(direct.db, cloudBox.id);
      const mine = c.outbox.checksums(entities);
      for (const [table, sum] of Object.entries(mine)) {
        if (sum.count === 0) expect(theirs[table], table).toBeUndefined();
        else expect(theirs[table], `${c.uid} ${table}`).toEqual(sum);
        records += sum.count;
      }
    }
    expect(records).toBeGreaterThan(BOXES * 280);

    // The login limit holds across instances: ten tries per account and address, whichever instance took them.
    const tries = [];
    for (let i = 0; i < 11; i++) tries.push(await login('not the password', 'guess@fleet.example'));
    expect(tries.slice(0, 10).map((t) => t.status)).toEqual(Array(10).fill(401));
    expect(tries[10]!.status).toBe(429);
    expect(new Set(tries.map((t) => t.instance))).toEqual(new Set(['c1', 'c2']));
  });
});
