/**
 * What the dashboard pulls: the sessions (a box's events) of a venue, one session's summary,
 * and its data paged by stream and time range. Paging is by keyset (time, id), so a page is
 * stable while boxes keep syncing and costs the same at page 1 and page 1000.
 */
import { sql, type Kysely } from 'kysely';
import { tableChecksum, type TableChecksums } from '../contract.js';
import { CloudError, notFound } from './errors.js';
import { readingPartAt } from './partitions.js';
import type { CloudDatabase } from './schema.js';
import { timedEntities } from './summary-rebuild.js';

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

/** The time span of some of a session's streams, from its summary (undefined: none stored). */
export async function streamSpan(
  db: Kysely<CloudDatabase>,
  s: SessionRow,
  streams: readonly string[],
): Promise<{ from: number; to: number } | undefined> {
  const r = await db
    .selectFrom('session_streams')
    .select((eb) => [eb.fn.min('first_at').as('first'), eb.fn.max('last_at').as('last')])
    .where('box_id', '=', s.box_id)
    .where('event_id', '=', s.entity_id)
    .where('stream', 'in', streams)
    .executeTakeFirst();
  return r && r.first !== null && r.last !== null
    ? { from: readingPartAt(Number(r.first)), to: readingPartAt(Number(r.last)) }
    : undefined;
}

/** A session's figures, from the summaries ingest keeps (sync/cloud/summaries.ts) and its few keyed records. */
export async function sessionSummary(db: Kysely<CloudDatabase>, s: SessionRow) {
  const stored = await db
    .selectFrom('session_streams')
    .select(['entity', 'stream', 'n', 'first_at', 'last_at'])
    .where('box_id', '=', s.box_id)
    .where('event_id', '=', s.entity_id)
    .execute();
  const keyed = await db
    .selectFrom('records')
    .select((eb) => ['entity', eb.fn.countAll<number>().as('count')])
    .where('box_id', '=', s.box_id)
    .where('event_id', '=', s.entity_id)
    .where('deleted', '=', 0)
    .where('entity', '!=', 'events')
    .where('entity', 'not in', timedEntities)
    .groupBy('entity')
    .execute();
  const named = db
    .selectFrom('session_dancer_stats')
    .select('user_ref')
    .where('box_id', '=', s.box_id)
    .where('event_id', '=', s.entity_id)
    .union(
      db
        .selectFrom('records')
        .select(sql<number>`user_ref`.as('user_ref'))
        .where('box_id', '=', s.box_id)
        .where('event_id', '=', s.entity_id)
        .where('deleted', '=', 0)
        .where('entity', 'in', ['registrations', 'device_assignments'])
        .where('user_ref', 'is not', null),
    );
  const dancers = await db
    .selectFrom(named.as('u'))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const crowd = await db
    .selectFrom('session_crowd')
    .selectAll()
    .where('box_id', '=', s.box_id)
    .where('event_id', '=', s.entity_id)
    .executeTakeFirst();
  const counts = new Map<string, number>(keyed.map((k) => [k.entity, Number(k.count)]));
  const streams = new Map<string, { count: number; first: number | null; last: number | null }>();
  for (const r of stored) {
    counts.set(r.entity, (counts.get(r.entity) ?? 0) + Number(r.n));
    if (r.stream === '') continue;
    const t = streams.get(r.stream) ?? { count: 0, first: null, last: null };
    t.count += Number(r.n);
    const first = r.first_at === null ? null : Number(r.first_at);
    const last = r.last_at === null ? null : Number(r.last_at);
    if (first !== null) t.first = t.first === null ? first : Math.min(t.first, first);
    if (last !== null) t.last = t.last === null ? last : Math.max(t.last, last);
    streams.set(r.stream, t);
  }
  const byName = <T>(m: Map<string, T>): [string, T][] =>
    [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    ...sessionJson(s),
    dancers: Number(dancers.n),
    records: Object.fromEntries(byName(counts)),
    streams: byName(streams).map(([stream, t]) => ({ stream, count: t.count, first: iso(t.first), last: iso(t.last) })),
    crowd: {
      samples: Number(crowd?.samples ?? 0),
      energy_mean: crowd && Number(crowd.energy_n) > 0 ? Number(crowd.energy_sum) / Number(crowd.energy_n) : null,
      arousal_mean: crowd && Number(crowd.arousal_n) > 0 ? Number(crowd.arousal_sum) / Number(crowd.arousal_n) : null,
      peak_active_dancers: Number(crowd?.peak_active ?? 0),
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
  // Only the days the stream has readings on (readings are stored by day of their time).
  const span = await streamSpan(db, s, [q.stream]);
  if (span) query = query.where('part_at', '>=', span.from).where('part_at', '<=', span.to);
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
