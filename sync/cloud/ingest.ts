/**
 * Idempotent ingest. A record is stored under (box, entity, id) together with the outbox seq
 * it came from; a record replaces the stored one only if its seq is newer. So a batch sent
 * twice (its acknowledgement was lost), or an older entry arriving after a newer one, changes
 * nothing: the cloud's copy is always the box's newest.
 */
import type { Kysely } from 'kysely';
import { canonicalJson, indexOf, type SyncBatch } from '../contract.js';
import { boxErasures, erasureOf, isErased } from './erasure.js';
import { writeRows, type Row } from './ingest-write.js';
import { dayOf, noPartition, partAt, timedClass, type Partitions, type TimedClass } from './partitions.js';
import type { CloudDatabase } from './schema.js';

/**
 * How far a box's seqs may run ahead of the last one the cloud saw: a margin, plus what the
 * box could have written since (100 000 rows a second is 40 times a 200-dancer venue). A seq
 * beyond it is refused, so a forged one cannot hold a record above every real update.
 */
export const SEQ_MARGIN = 10_000_000;
export const MAX_SEQS_PER_MS = 100;

export class SeqOutOfRange extends Error {}

export async function ingest(
  db: Kysely<CloudDatabase>,
  boxId: number,
  batch: SyncBatch,
  now: number,
  partitions: Partitions,
): Promise<{ accepted: number; duplicates: number; max_seq: number }> {
  const box = await db
    .selectFrom('boxes')
    .select(['last_seq', 'last_seen_at'])
    .where('id', '=', boxId)
    .executeTakeFirst();
  const highest = batch.records.reduce((m, r) => Math.max(m, r.seq), 0);
  // A box seen before may only have moved on as far as the time since allows; its first
  // batch may carry any history (MAX_SYNC_SEQ bounds that, in the contract).
  if (box && box.last_seen_at !== null) {
    const bound = box.last_seq + SEQ_MARGIN + Math.max(0, now - box.last_seen_at) * MAX_SEQS_PER_MS;
    if (highest > bound)
      throw new SeqOutOfRange(
        `seq ${highest} is beyond what this box can have written since it was last seen (last seq ${box.last_seq}, at most ${bound} now)`,
      );
  }
  // Defensive: one row per key in a statement (PostgreSQL refuses to update a row twice in one INSERT).
  const newest = new Map<string, SyncBatch['records'][number]>();
  for (const r of batch.records) {
    const key = `${r.entity}:${r.id}`;
    const seen = newest.get(key);
    if (!seen || seen.seq < r.seq) newest.set(key, r);
  }
  // Erasures: those held, and those this batch brings (applied below, after the batch's own records).
  const incoming = [...newest.values()].flatMap((r) =>
    r.entity === 'erasures' && r.op === 'upsert' && r.data ? (erasureOf(r.seq, r.data) ?? []) : [],
  );
  const erasures = [...(await boxErasures(db, boxId)), ...incoming];
  const rows = [...newest.values()].flatMap((r): Row[] => {
    const ix =
      r.op === 'upsert' && r.data
        ? indexOf(r.entity, r.id, r.data)
        : { eventId: null, at: null, stream: null, userId: null };
    if (
      erasures.length > 0 &&
      isErased(erasures, {
        entity: r.entity,
        id: r.id,
        seq: r.seq,
        userRef: ix.userId,
        at: ix.at,
        deviceId: r.data?.device_id,
      })
    )
      return [];
    const at = ix.at === null ? null : Math.round(ix.at);
    return [
      {
        box_id: boxId,
        entity: r.entity,
        entity_id: r.id,
        seq: r.seq,
        deleted: r.op === 'delete' ? 1 : 0,
        event_id: ix.eventId,
        at,
        stream: ix.stream,
        user_ref: ix.userId,
        data: r.op === 'delete' || !r.data ? '' : canonicalJson(r.data),
        received_at: now,
        part_at: partAt(r.entity, at),
        parsed: r.data ?? {},
      },
    ];
  });
  const maxSeq = highest;
  const days = rows.flatMap((r): [TimedClass, number][] => {
    const cls = timedClass(r.entity);
    return cls && !r.deleted ? [[cls, dayOf(r.part_at)]] : [];
  });
  const write = async () => {
    await partitions.ensure(days);
    return db.transaction().execute((tx) => writeRows(tx, boxId, rows, incoming, maxSeq, now));
  };
  let accepted: number;
  try {
    accepted = await write();
  } catch (err) {
    // Another instance's retention dropped a day this process thought was there.
    if (!noPartition(err)) throw err;
    partitions.forget();
    accepted = await write();
  }
  return { accepted, duplicates: batch.records.length - accepted, max_seq: maxSeq };
}
