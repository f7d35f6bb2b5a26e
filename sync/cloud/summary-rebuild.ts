/**
 * A session's summary made again from its readings, after something took readings away or
 * changed one already counted (an erasure, retention, a corrected reading), and at start for
 * sessions whose summaries are missing or of an older kind. The readings are read stream by
 * stream in (time, id) pages along the `records_session` index, folded as in ingest.
 */
import type { Kysely, Transaction } from 'kysely';
import { syncClasses } from '../contract.js';
import type { CloudDatabase } from './schema.js';
import { addToSummaries, lockSessions, SummaryDelta, type FoldRow } from './summaries.js';

const PAGE = 5000;
/** The kind of summaries stored; a different value in `cloud_meta` makes `codance cloud` rebuild them all at start. */
export const SUMMARY_VERSION = '1';
export const timedEntities: readonly string[] = [...syncClasses.features, ...syncClasses.raw];

type Tx = Transaction<CloudDatabase>;

async function* readings(tx: Tx, boxId: number, eventId: number): AsyncGenerator<FoldRow> {
  const base = () =>
    tx
      .selectFrom('records')
      .select(['id', 'entity', 'stream', 'at', 'user_ref', 'data'])
      .where('box_id', '=', boxId)
      .where('event_id', '=', eventId)
      .where('deleted', '=', 0)
      .where('entity', 'in', timedEntities);
  const fold = (r: {
    entity: string;
    stream: string | null;
    at: number | null;
    user_ref: number | null;
    data: string;
  }): FoldRow => ({
    box_id: boxId,
    event_id: eventId,
    entity: r.entity,
    stream: r.stream,
    at: r.at,
    user_ref: r.user_ref,
    data: JSON.parse(r.data) as Record<string, unknown>,
  });
  const streams = await tx
    .selectFrom('records')
    .select('stream')
    .distinct()
    .where('box_id', '=', boxId)
    .where('event_id', '=', eventId)
    .execute();
  for (const { stream } of streams) {
    const of = stream === null ? base().where('stream', 'is', null) : base().where('stream', '=', stream);
    let after: { at: number; id: number } | undefined;
    for (;;) {
      const a = after;
      const page = await (
        a
          ? of.where((eb) => eb.or([eb('at', '>', a.at), eb.and([eb('at', '=', a.at), eb('id', '>', a.id)])]))
          : of.where('at', 'is not', null)
      )
        .orderBy('at')
        .orderBy('id')
        .limit(PAGE)
        .execute();
      for (const r of page) yield fold(r);
      const last = page[page.length - 1];
      if (page.length < PAGE || !last) break;
      after = { at: last.at!, id: last.id };
    }
    // Readings without a time (none from a sound box): few, read at once.
    for (const r of await of.where('at', 'is', null).execute()) yield fold(r);
  }
}

/** Makes one session's summary again from its readings, inside the caller's transaction. */
export async function rebuildSession(tx: Tx, boxId: number, eventId: number): Promise<void> {
  await lockSessions(tx, [`${boxId}:${eventId}`]);
  for (const table of ['session_streams', 'session_crowd', 'session_dancer_stats'] as const)
    await tx.deleteFrom(table).where('box_id', '=', boxId).where('event_id', '=', eventId).execute();
  let delta = new SummaryDelta();
  let n = 0;
  for await (const r of readings(tx, boxId, eventId)) {
    delta.add(r);
    if (++n % 50_000 === 0) {
      await addToSummaries(tx, delta);
      delta = new SummaryDelta();
    }
  }
  await addToSummaries(tx, delta);
}

/** Rebuilds each session (`box:event`), one transaction each. */
export async function rebuildSessions(db: Kysely<CloudDatabase>, sessions: Iterable<string>): Promise<number> {
  let n = 0;
  for (const s of [...new Set(sessions)].sort()) {
    const [box, event] = s.split(':').map(Number) as [number, number];
    await db.transaction().execute((tx) => rebuildSession(tx, box, event));
    n++;
  }
  return n;
}

/**
 * At start: when the stored summaries are missing or of an older kind, rebuilds every session's.
 * Several instances starting at once each may do it; the result is the same.
 */
export async function ensureSummaries(db: Kysely<CloudDatabase>): Promise<number> {
  const stored = await db
    .selectFrom('cloud_meta')
    .select('value')
    .where('key', '=', 'summary_version')
    .executeTakeFirst();
  if (stored?.value === SUMMARY_VERSION) return 0;
  const sessions = await db
    .selectFrom('records')
    .select(['box_id', 'entity_id'])
    .where('entity', '=', 'events')
    .where('deleted', '=', 0)
    .execute();
  const n = await rebuildSessions(
    db,
    sessions.map((s) => `${s.box_id}:${s.entity_id}`),
  );
  await db
    .insertInto('cloud_meta')
    .values({ key: 'summary_version', value: SUMMARY_VERSION })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: SUMMARY_VERSION }))
    .execute();
  return n;
}
