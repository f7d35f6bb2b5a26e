/**
 * Everything the cloud holds of one pseudonym across an organisation's boxes, as NDJSON: a
 * header line, then one line per record (its box, table, id, time and data), read page by
 * page so the export never sits in memory. A pseudonym is a dancer on one box; their raw
 * chunks carry a band, not a person, and are found through the bands they wore.
 */
import type { Kysely } from 'kysely';
import { fromDevice } from './erasure.js';
import type { CloudDatabase } from './schema.js';

const PAGE = 1000;

export interface Subject {
  boxId: number;
  boxUid: string;
  userId: number;
}

/** The dancers (box, local id) whose account record carries `pseudonym`, on the organisation's boxes. */
export async function subjectsOf(db: Kysely<CloudDatabase>, orgId: number, pseudonym: string): Promise<Subject[]> {
  const rows = await db
    .selectFrom('records')
    .innerJoin('boxes', 'boxes.id', 'records.box_id')
    .innerJoin('venues', 'venues.id', 'boxes.venue_id')
    .select(['records.box_id', 'boxes.uid', 'records.entity_id', 'records.data'])
    .where('venues.org_id', '=', orgId)
    .where('records.entity', '=', 'users')
    .where('records.deleted', '=', 0)
    .where('records.data', 'like', `%"pseudonym":"${pseudonym}"%`)
    .execute();
  return rows
    .filter((r) => (JSON.parse(r.data) as { pseudonym?: unknown }).pseudonym === pseudonym)
    .map((r) => ({ boxId: Number(r.box_id), boxUid: r.uid, userId: Number(r.entity_id) }));
}

type Line = Record<string, unknown>;

export async function* pseudonymRecords(
  db: Kysely<CloudDatabase>,
  subjects: readonly Subject[],
  count: (n: number) => void,
): AsyncGenerator<string> {
  for (const s of subjects) {
    const line = (r: { entity: string; entity_id: number; at: number | null; data: string }): string =>
      `${JSON.stringify({ box: s.boxUid, entity: r.entity, id: Number(r.entity_id), at: r.at === null ? null : new Date(Number(r.at)).toISOString(), data: JSON.parse(r.data) as Line })}\n`;
    let after = 0;
    const worn: { device: number; from: number; to: number }[] = [];
    for (;;) {
      const rows = await db
        .selectFrom('records')
        .select(['id', 'entity', 'entity_id', 'at', 'data'])
        .where('box_id', '=', s.boxId)
        .where('deleted', '=', 0)
        .where((eb) =>
          eb.or([eb('user_ref', '=', s.userId), eb.and([eb('entity', '=', 'users'), eb('entity_id', '=', s.userId)])]),
        )
        .where('id', '>', after)
        .orderBy('id')
        .limit(PAGE)
        .execute();
      if (rows.length === 0) break;
      for (const r of rows) {
        if (r.entity === 'device_assignments') {
          const d = JSON.parse(r.data) as { device_id: number; assigned_at: number; released_at: number | null };
          worn.push({ device: d.device_id, from: d.assigned_at, to: d.released_at ?? Number.MAX_SAFE_INTEGER });
        }
      }
      yield rows.map(line).join('');
      count(rows.length);
      after = Number(rows[rows.length - 1]!.id);
    }
    // The raw chunks of the bands while worn (they name no one).
    for (const w of worn) {
      let afterChunk = 0;
      for (;;) {
        const rows = await db
          .selectFrom('records')
          .select(['id', 'entity', 'entity_id', 'at', 'data'])
          .where('box_id', '=', s.boxId)
          .where('entity', '=', 'stream_chunks')
          .where('deleted', '=', 0)
          .where('at', '>=', w.from)
          .where('at', '<=', w.to)
          .where((eb) => fromDevice(eb, w.device))
          .where('id', '>', afterChunk)
          .orderBy('id')
          .limit(PAGE)
          .execute();
        if (rows.length === 0) break;
        yield rows.map(line).join('');
        count(rows.length);
        afterChunk = Number(rows[rows.length - 1]!.id);
      }
    }
  }
}
