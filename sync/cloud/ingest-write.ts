/**
 * One batch written in one transaction: new records inserted (their readings added to the
 * session summaries), records the batch brings newer versions of replaced, readings the box
 * deleted removed, erasures applied, and the sessions whose counted readings changed rebuilt.
 */
import type { Transaction } from 'kysely';
import { applyErasure, type Erasure } from './erasure.js';
import { isPostgres, timedClass } from './partitions.js';
import type { CloudDatabase } from './schema.js';
import { addToSummaries, lockSessions, SummaryDelta } from './summaries.js';
import { rebuildSession } from './summary-rebuild.js';

/** Rows per INSERT: 12 parameters each stays far below PostgreSQL's 65535. */
const CHUNK = 1000;

/** A record as stored, with its data as the box sent it (for the summaries). */
export type Row = Omit<CloudDatabase['records'], 'id' | 'part_at'> & {
  part_at: number;
  parsed: Record<string, unknown>;
};

const keyOf = (r: { entity: string; entity_id: number }): string => `${r.entity}:${r.entity_id}`;
const stored = ({ parsed: _, ...row }: Row) => row;

/** Writes the rows; returns how many records were stored, replaced or deleted. */
export async function writeRows(
  tx: Transaction<CloudDatabase>,
  boxId: number,
  rows: readonly Row[],
  erasures: readonly Erasure[],
  maxSeq: number,
  now: number,
): Promise<number> {
  // A reading the box deleted is removed, wherever in time it is (no tombstone: it would sit on another day).
  const removals = rows.filter((r) => r.deleted && timedClass(r.entity));
  const kept = rows.filter((r) => !(r.deleted && timedClass(r.entity)));
  const readings = kept.filter((r) => timedClass(r.entity) && r.event_id !== null && !r.deleted);
  await lockSessions(tx, [...new Set(readings.map((r) => `${boxId}:${r.event_id}`))].sort());
  // The unique key holds the day on PostgreSQL (a partitioned table's keys must), the record alone on SQLite.
  const key = isPostgres(tx)
    ? (['box_id', 'entity', 'entity_id', 'part_at'] as const)
    : (['box_id', 'entity', 'entity_id'] as const);
  const inserted = new Set<string>();
  for (let i = 0; i < kept.length; i += CHUNK) {
    const written = await tx
      .insertInto('records')
      .values(kept.slice(i, i + CHUNK).map(stored))
      .onConflict((oc) => oc.columns([...key]).doNothing())
      .returning(['entity', 'entity_id'])
      .execute();
    for (const w of written) inserted.add(keyOf(w));
  }
  const again = kept.filter((r) => !inserted.has(keyOf(r)));
  const rebuild = new Set<string>();
  let replaced = 0;
  for (let i = 0; i < again.length; i += CHUNK) {
    const written = await tx
      .insertInto('records')
      .values(again.slice(i, i + CHUNK).map(stored))
      .onConflict((oc) =>
        oc
          .columns([...key])
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
      .returning(['entity', 'event_id'])
      .execute();
    replaced += written.length;
    // A reading already counted came again changed: its session is counted again from scratch.
    for (const w of written) if (timedClass(w.entity) && w.event_id !== null) rebuild.add(`${boxId}:${w.event_id}`);
  }
  const delta = new SummaryDelta();
  for (const r of readings) if (inserted.has(keyOf(r))) delta.add({ ...r, event_id: r.event_id!, data: r.parsed });
  await addToSummaries(tx, delta);
  let removed = 0;
  for (const r of removals) {
    const gone = await tx
      .deleteFrom('records')
      .where('box_id', '=', boxId)
      .where('entity', '=', r.entity)
      .where('entity_id', '=', r.entity_id)
      .where('seq', '<', r.seq)
      .returning('event_id')
      .execute();
    removed += gone.length;
    for (const g of gone) if (g.event_id !== null) rebuild.add(`${boxId}:${g.event_id}`);
  }
  for (const e of erasures) for (const s of await applyErasure(tx, boxId, e)) rebuild.add(s);
  for (const s of [...rebuild].sort()) {
    const [box, event] = s.split(':').map(Number) as [number, number];
    await rebuildSession(tx, box, event);
  }
  await tx
    .updateTable('boxes')
    // CASE rather than max()/greatest(): the one spelling both SQLite and PostgreSQL read.
    .set((eb) => ({
      last_seen_at: now,
      last_seq: eb.case().when('last_seq', '<', maxSeq).then(maxSeq).else(eb.ref('last_seq')).end(),
    }))
    .where('id', '=', boxId)
    .execute();
  return inserted.size + replaced + removed;
}
