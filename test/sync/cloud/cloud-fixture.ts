/** A cloud on SQLite or a real PostgreSQL, with two organisations, each with a venue, an owner and an enrolled box. */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { cloudApp } from '../../../sync/cloud/app.js';
import { Accounts } from '../../../sync/cloud/accounts.js';
import { migrateCloud, openCloudDb, type CloudDb } from '../../../sync/cloud/database.js';
import type { SyncBatch } from '../../../sync/contract.js';
import { tempDir } from '../../helpers/daemon-process.js';
import type { Postgres } from '../../helpers/postgres.js';

/** A parsed JSON answer, walkable in tests (each step is checked by the expectation that reads it). */
export interface J {
  readonly [key: string]: J;
}

export interface Tenant {
  orgId: number;
  venueId: number;
  owner: string;
  viewer: string;
  boxUid: string;
  boxToken: string;
}

export interface CloudFixture {
  db: CloudDb;
  app: OpenAPIHono<never>;
  call(
    method: string,
    path: string,
    token?: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; json: J }>;
  tenant(name: string): Promise<Tenant>;
  close(): Promise<void>;
}

let n = 0;

export async function cloudFixture(
  kind: 'sqlite' | 'postgres',
  pg?: Postgres,
  now?: () => number,
  /** Opens where the dashboard reads from (a replica of `primary`, the database made here). */
  reads?: (primary: string) => CloudDb,
): Promise<CloudFixture> {
  const target =
    kind === 'postgres' ? pg!.createDb(`cloud_${process.pid}_${++n}`) : join(tempDir('codance-cloud-'), 'cloud.sqlite');
  const db = openCloudDb(target);
  await migrateCloud(db);
  const replica = reads?.(target);
  const app = cloudApp({
    db: db.db,
    version: 'test',
    ...(now && { now }),
    ...(replica && { reads: replica.db }),
  }) as unknown as OpenAPIHono<never>;
  const accounts = new Accounts(db.db, now);
  const call: CloudFixture['call'] = async (method, path, token, body, headers = {}) => {
    const res = await app.request(path, {
      method,
      headers: {
        ...(token && { authorization: `Bearer ${token}` }),
        ...(body !== undefined && { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body !== undefined && {
        body: typeof body === 'string' || body instanceof Uint8Array ? (body as string) : JSON.stringify(body),
      }),
    });
    const text = await res.text();
    let json = text as unknown as J;
    try {
      json = JSON.parse(text) as J;
    } catch {
      // not JSON
    }
    return { status: res.status, json };
  };
  const login = async (email: string, password: string): Promise<string> => {
    const r = await call('POST', '/api/v1/auth/login', undefined, { email, password });
    if (r.status !== 200) throw new Error(`login ${email}: ${r.status} ${JSON.stringify(r.json)}`);
    return r.json.access_token as unknown as string;
  };
  return {
    db,
    app,
    call,
    async tenant(name) {
      const email = `owner@${name}.example`;
      const { orgId } = await accounts.createOrg(`Org ${name}`, { email, password: 'owner-password' });
      const owner = await login(email, 'owner-password');
      const venue = await call('POST', `/api/v1/orgs/${orgId}/venues`, owner, { name: `Venue ${name}` });
      const venueId = venue.json.id as unknown as number;
      await call('POST', `/api/v1/orgs/${orgId}/members`, owner, {
        email: `viewer@${name}.example`,
        role: 'viewer',
        password: 'viewer-password',
      });
      const viewer = await login(`viewer@${name}.example`, 'viewer-password');
      const code = await call('POST', `/api/v1/venues/${venueId}/enrolment-codes`, owner);
      const boxUid = randomUUID();
      const enrolled = await call('POST', '/api/v1/enrol', undefined, {
        code: code.json.code as unknown as string,
        box: boxUid,
        name: `box-${name}`,
      });
      if (enrolled.status !== 201) throw new Error(`enrol: ${JSON.stringify(enrolled.json)}`);
      return { orgId, venueId, owner, viewer, boxUid, boxToken: enrolled.json.token as unknown as string };
    },
    close: async () => {
      await Promise.all([db.close(), replica?.close()]);
    },
  };
}

/** A small session: the event, two dancers' heart rates, crowd states. */
export function sessionBatch(box: string, eventId = 1, startSeq = 1): SyncBatch {
  const t0 = Date.parse('2026-11-21T21:00:00Z');
  const records: SyncBatch['records'] = [
    {
      seq: startSeq,
      entity: 'events',
      id: eventId,
      op: 'upsert',
      data: { id: eventId, name: 'Friday social', starts_at: t0, ends_at: t0 + 3_600_000, location: 'Main hall' },
    },
  ];
  let seq = startSeq + 1;
  for (let i = 0; i < 20; i++) {
    records.push({
      seq: seq++,
      entity: 'biometric_data',
      id: eventId * 1000 + i,
      op: 'upsert',
      data: {
        id: eventId * 1000 + i,
        event_id: eventId,
        user_id: (i % 2) + 1,
        recorded_at: t0 + i * 1000,
        heart_rate: 100 + i,
      },
    });
    records.push({
      seq: seq++,
      entity: 'crowd_states',
      id: eventId * 1000 + i,
      op: 'upsert',
      data: {
        id: eventId * 1000 + i,
        event_id: eventId,
        at: t0 + i * 1000,
        active_dancers: 2,
        energy: 0.5,
        arousal_mean: 0.4,
      },
    });
  }
  return { box, sent_at: t0, records };
}
