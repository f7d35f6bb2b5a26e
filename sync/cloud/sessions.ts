/**
 * What the dashboard pulls: the sessions (a box's events) of a venue, one session's summary,
 * and its data paged by stream and time range. Paging is by keyset (time, id), so a page is
 * stable while boxes keep syncing and costs the same at page 1 and page 1000.
 */
import { sql, type Kysely } from 'kysely';
import { tableChecksum, type TableChecksums } from '../contract.js';
import { CloudError, notFound } from './errors.js';
import type { CloudDatabase } from './schema.js';

export interface Cursor {
  at: number;
  id: number;
}

export const encodeCursor = (c: Cursor): string => Buffer.from(JSON.stringify([c.at, c.id])).toString('base64url');

export function decodeCursor(text: string | undefined): Cursor | undefined {
  if (text === undefined) return undefined;
  try {
    const v = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && v.every((n) => Number.isSafeInteger(n)))
      return { at: v[0] as number, id: v[1] as number };
  } catch {
    // falls through to the error
  }
  throw new CloudError(
    422,
    'validation_failed',
    'query.after: not a cursor this API gave out (use `next` from the previous page)',
    'query.after',
  );
}

const parse = (data: string): Record<string, unknown> => JSON.parse(data) as Record<string, unknown>;
const iso = (ms: unknown): string | null => (typeof ms === 'number' ? new Date(ms).toISOString() : null);

export interface SessionRow {
  id: number;
  box_id: number;
  box_uid: string;
  venue_id: number;
  entity_id: number;
  data: string;
}

export async function sessionById(db: Kysely<CloudDatabase>, id: number): Promise<SessionRow> {
  const row = await db
    .selectFrom('records')
    .innerJoin('boxes', 'boxes.id', 'records.box_id')
    .select([
      'records.id',
      'records.box_id',
      'boxes.uid as box_uid',
      'boxes.venue_id',
      'records.entity_id',
      'records.data',
    ])
    .where('records.id', '=', id)
    .where('records.entity', '=', 'events')
    .where('records.deleted', '=', 0)
    .executeTakeFirst();
  if (!row) throw notFound('session', id);
  return row;
}

function sessionJson(r: { id: number; box_uid: string; entity_id: number; data: string }) {
  const d = parse(r.data);
  return {
    id: r.id,
    box: r.box_uid,
    event_id: r.entity_id,
    name: typeof d.name === 'string' ? d.name : '',
    location: typeof d.location === 'string' ? d.location : null,
    starts_at: iso(d.starts_at),
    ends_at: iso(d.ends_at),
  };
}

export async function listSessions(
  db: Kysely<CloudDatabase>,
  venueId: number,
  after: Cursor | undefined,
  limit: number,
) {
  let q = db
    .selectFrom('records')
    .innerJoin('boxes', 'boxes.id', 'records.box_id')
    .select(['records.id', 'records.at', 'boxes.uid as box_uid', 'records.entity_id', 'records.data'])
    .where('boxes.venue_id', '=', venueId)
    .where('records.entity', '=', 'events')
    .where('records.deleted', '=', 0);
  // Newest first: (at, id) descending, continuing below the cursor.
  if (after)
    q = q.where((eb) =>
      eb.or([
        eb('records.at', '<', after.at),
        eb.and([eb('records.at', '=', after.at), eb('records.id', '<', after.id)]),
      ]),
    );
  const rows = await q
    .orderBy('records.at', 'desc')
    .orderBy('records.id', 'desc')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map(sessionJson),
    next: rows.length > limit && last ? encodeCursor({ at: last.at ?? 0, id: last.id }) : null,
  };
}

export async function sessionSummary(db: Kysely<CloudDatabase>, s: SessionRow) {
  const streams = await db
    .selectFrom('records')
    .select((eb) => [
      'stream',
      eb.fn.countAll<number>().as('count'),
      eb.fn.min('at').as('first'),
      eb.fn.max('at').as('last'),
    ])
    .where('box_id', '=', s.box_id)
    .where('event_id', '=', s.entity_id)
    .where('deleted', '=', 0)
    .where('stream', 'is not', null)
    .groupBy('stream')
    .orderBy('stream')
    .execute();
  const counts = await db
    .selectFrom('records')
    .select((eb) => ['entity', eb.fn.countAll<number>().as('count')])
    .where('box_id', '=', s.box_id)
    .where('event_id', '=', s.entity_id)
    .where('deleted', '=', 0)
    .where('entity', '!=', 'events')
    .groupBy('entity')
    .orderBy('entity')
    .execute();
  const dancers = await db
    .selectFrom('records')
    .select(sql<number>`count(DISTINCT user_ref)`.as('n'))
    .where('box_id', '=', s.box_id)
    .where('event_id', '=', s.entity_id)
    .where('deleted', '=', 0)
    .where('entity', 'in', ['registrations', 'biometric_data', 'inferences', 'device_assignments'])
    .executeTakeFirstOrThrow();
  const crowd = await db
    .selectFrom('records')
    .select('data')
    .where('box_id', '=', s.box_id)
    .where('event_id', '=', s.entity_id)
    .where('stream', '=', 'crowd')
    .where('deleted', '=', 0)
    .execute();
  let energy = 0;
  let energyN = 0;
  let arousal = 0;
  let arousalN = 0;
  let peakDancers = 0;
  for (const c of crowd) {
    const d = parse(c.data);
    if (typeof d.energy === 'number') {
      energy += d.energy;
      energyN++;
    }
    if (typeof d.arousal_mean === 'number') {
      arousal += d.arousal_mean;
      arousalN++;
    }
    if (typeof d.active_dancers === 'number') peakDancers = Math.max(peakDancers, d.active_dancers);
  }
  return {
    ...sessionJson(s),
    dancers: Number(dancers.n),
    records: Object.fromEntries(counts.map((c) => [c.entity, Number(c.count)])),
    streams: streams.map((r) => ({
      stream: r.stream ?? '',
      count: Number(r.count),
      first: iso(r.first),
      last: iso(r.last),
    })),
    crowd: {
      samples: crowd.length,
      energy_mean: energyN ? energy / energyN : null,
      arousal_mean: arousalN ? arousal / arousalN : null,
      peak_active_dancers: peakDancers,
    },
  };
}

export async function sessionData(
  db: Kysely<CloudDatabase>,
  s: SessionRow,
  q: { stream: string; from?: number; to?: number; after?: Cursor; limit: number },
) {
  let query = db
    .selectFrom('records')
    .select(['id', 'entity', 'entity_id', 'at', 'data'])
    .where('box_id', '=', s.box_id)
    .where('event_id', '=', s.entity_id)
    .where('stream', '=', q.stream)
    .where('deleted', '=', 0);
  if (q.from !== undefined) query = query.where('at', '>=', q.from);
  if (q.to !== undefined) query = query.where('at', '<', q.to);
  const after = q.after;
  if (after)
    query = query.where((eb) =>
      eb.or([eb('at', '>', after.at), eb.and([eb('at', '=', after.at), eb('id', '>', after.id)])]),
    );
  const rows = await query
    .orderBy('at')
    .orderBy('id')
    .limit(q.limit + 1)
    .execute();
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    stream: q.stream,
    items: page.map((r) => ({ entity: r.entity, id: r.entity_id, at: iso(r.at), data: parse(r.data) })),
    next: rows.length > q.limit && last ? encodeCursor({ at: last.at ?? 0, id: last.id }) : null,
  };
}

/**
 * Per table: how many records the cloud holds for a box and their checksum (sync/contract.ts);
 * with `upTo`, only those last written by the box's outbox entries up to that position.
 */
export async function boxChecksums(
  db: Kysely<CloudDatabase>,
  boxId: number,
  upTo = Number.MAX_SAFE_INTEGER,
): Promise<TableChecksums> {
  const entities = await db
    .selectFrom('records')
    .select('entity')
    .distinct()
    .where('box_id', '=', boxId)
    .where('deleted', '=', 0)
    .where('seq', '<=', upTo)
    .execute();
  const out: TableChecksums = {};
  for (const { entity } of entities) {
    const rows: { id: number; json: string }[] = [];
    let after = -Infinity;
    for (;;) {
      const page = await db
        .selectFrom('records')
        .select(['entity_id', 'data'])
        .where('box_id', '=', boxId)
        .where('entity', '=', entity)
        .where('deleted', '=', 0)
        .where('seq', '<=', upTo)
        .where('entity_id', '>', after === -Infinity ? Number.MIN_SAFE_INTEGER : after)
        .orderBy('entity_id')
        .limit(5000)
        .execute();
      for (const r of page) rows.push({ id: r.entity_id, json: r.data });
      if (page.length < 5000) break;
      after = page[page.length - 1]!.entity_id;
    }
    out[entity] = tableChecksum(rows);
  }
  return out;
}
