/**
 * Idempotent ingest. A record is stored under (box, entity, id) together with the outbox seq
 * it came from; a record replaces the stored one only if its seq is newer. So a batch sent
 * twice (its acknowledgement was lost), or an older entry arriving after a newer one, changes
 * nothing: the cloud's copy is always the box's newest.
 */
import type { Kysely } from 'kysely';
import { canonicalJson, indexOf, type SyncBatch } from '../contract.js';
import { applyErasure, boxErasures, erasureOf, isErased } from './erasure.js';
import type { CloudDatabase } from './schema.js';

/** Rows per INSERT: 11 parameters each stays far below PostgreSQL's 65535. */
const CHUNK = 1000;

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
  const rows = [...newest.values()].flatMap((r) => {
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
    return {
      box_id: boxId,
      entity: r.entity,
      entity_id: r.id,
      seq: r.seq,
      deleted: r.op === 'delete' ? 1 : 0,
      event_id: ix.eventId,
      at: ix.at === null ? null : Math.round(ix.at),
      stream: ix.stream,
      user_ref: ix.userId,
      data: r.op === 'delete' || !r.data ? '' : canonicalJson(r.data),
      received_at: now,
    };
  });
  const maxSeq = batch.records.reduce((m, r) => Math.max(m, r.seq), 0);
  let accepted = 0;
  await db.transaction().execute(async (tx) => {
    for (let i = 0; i < rows.length; i += CHUNK) {
      const written = await tx
        .insertInto('records')
        .values(rows.slice(i, i + CHUNK))
        .onConflict((oc) =>
          oc
            .columns(['box_id', 'entity', 'entity_id'])
            .doUpdateSet((eb) => ({
              seq: eb.ref('excluded.seq'),
              deleted: eb.ref('excluded.deleted'),
              event_id: eb.ref('excluded.event_id'),
              at: eb.ref('excluded.at'),
              stream: eb.ref('excluded.stream'),
              user_ref: eb.ref('excluded.user_ref'),
              data: eb.ref('excluded.data'),
              received_at: eb.ref('excluded.received_at'),
            }))
            .where('records.seq', '<', (eb) => eb.ref('excluded.seq')),
        )
        .returning('id')
        .execute();
      accepted += written.length;
    }
    for (const e of incoming) await applyErasure(tx, boxId, e);
    await tx
      .updateTable('boxes')
      // CASE rather than max()/greatest(): the one spelling both SQLite and PostgreSQL read.
      .set((eb) => ({
        last_seen_at: now,
        last_seq: eb.case().when('last_seq', '<', maxSeq).then(maxSeq).else(eb.ref('last_seq')).end(),
      }))
      .where('id', '=', boxId)
      .execute();
  });
  return { accepted, duplicates: batch.records.length - accepted, max_seq: maxSeq };
}
