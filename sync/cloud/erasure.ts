/**
 * A box's erasure of a dancer, applied by the cloud. The erasure travels as a record
 * (`erasures`, sync/PROTOCOL.md) with the dancer's id on that box and the bands they wore;
 * the cloud deletes, of that box, every record older than the erasure (by outbox seq) that
 * names the dancer, their account, and the unnamed readings of their bands while worn. The
 * erasure record stays: it names no one (an id, the requester's id, times and counts), and it
 * keeps a retried old batch from bringing an erased record back.
 */
import type { ExpressionBuilder, Kysely, Transaction } from 'kysely';
import { readingPartAt } from './partitions.js';
import type { CloudDatabase } from './schema.js';

export interface Erasure {
  seq: number;
  subjectId: number;
  devices: { device_id: number; from: number; to: number }[];
}

/**
 * A record whose data names device `id`. Canonical JSON sorts keys, so the device is
 * `"device_id":N` followed by `,` or `}`: a text match both dialects run on the stored data.
 */
export const fromDevice = (eb: ExpressionBuilder<CloudDatabase, 'records'>, id: number) =>
  eb.or([eb('data', 'like', `%"device_id":${id},%`), eb('data', 'like', `%"device_id":${id}}%`)]);

/** Readings a band makes without a name (raw chunks always; rows when no one was assigned). */
const unnamed = ['stream_chunks', 'biometric_data', 'inferences', 'movement_data'];

/** The erasure an `erasures` record describes, or undefined if it does not parse. */
export function erasureOf(seq: number, data: Record<string, unknown> | string): Erasure | undefined {
  try {
    const d = (typeof data === 'string' ? JSON.parse(data) : data) as Record<string, unknown>;
    const devices = typeof d.devices === 'string' ? (JSON.parse(d.devices) as unknown) : d.devices;
    if (typeof d.subject_id !== 'number' || !Array.isArray(devices)) return undefined;
    const list = devices.filter(
      (w): w is Erasure['devices'][number] =>
        typeof w === 'object' &&
        w !== null &&
        typeof (w as Record<string, unknown>).device_id === 'number' &&
        typeof (w as Record<string, unknown>).from === 'number' &&
        typeof (w as Record<string, unknown>).to === 'number',
    );
    return { seq, subjectId: d.subject_id, devices: list };
  } catch {
    return undefined;
  }
}

/** The erasures the cloud holds for a box. */
export async function boxErasures(db: Kysely<CloudDatabase>, boxId: number): Promise<Erasure[]> {
  const rows = await db
    .selectFrom('records')
    .select(['seq', 'data'])
    .where('box_id', '=', boxId)
    .where('entity', '=', 'erasures')
    .where('deleted', '=', 0)
    .execute();
  return rows.flatMap((r) => erasureOf(Number(r.seq), r.data) ?? []);
}

/** Whether an incoming record is something an erasure already removed (an old batch sent again). */
export function isErased(
  erasures: readonly Erasure[],
  r: { entity: string; id: number; seq: number; userRef: number | null; at: number | null; deviceId: unknown },
): boolean {
  if (r.entity === 'erasures') return false;
  return erasures.some((e) => {
    if (r.seq >= e.seq) return false;
    if (r.userRef === e.subjectId || (r.entity === 'users' && r.id === e.subjectId)) return true;
    return (
      r.userRef === null &&
      r.at !== null &&
      unnamed.includes(r.entity) &&
      e.devices.some((w) => w.device_id === r.deviceId && r.at! >= w.from && r.at! <= w.to)
    );
  });
}

/** Deletes what the erasure names; returns the sessions (`box:event`) it took readings from. */
export async function applyErasure(tx: Transaction<CloudDatabase>, boxId: number, e: Erasure): Promise<string[]> {
  const touched = new Set<string>();
  const named = await tx
    .deleteFrom('records')
    .where('box_id', '=', boxId)
    .where('seq', '<', e.seq)
    .where('entity', '!=', 'erasures')
    .where((eb) =>
      eb.or([
        eb('user_ref', '=', e.subjectId),
        eb.and([eb('entity', '=', 'users'), eb('entity_id', '=', e.subjectId)]),
      ]),
    )
    .returning('event_id')
    .execute();
  for (const r of named) if (r.event_id !== null) touched.add(`${boxId}:${r.event_id}`);
  for (const w of e.devices) {
    const gone = await tx
      .deleteFrom('records')
      .where('box_id', '=', boxId)
      .where('seq', '<', e.seq)
      .where('user_ref', 'is', null)
      .where('entity', 'in', unnamed)
      .where('at', '>=', w.from)
      .where('at', '<=', w.to)
      // The days the band was worn only (readings are stored by day of their time).
      .where('part_at', '>=', readingPartAt(w.from))
      .where('part_at', '<=', readingPartAt(w.to))
      .where((eb) => fromDevice(eb, w.device_id))
      .returning('event_id')
      .execute();
    for (const r of gone) if (r.event_id !== null) touched.add(`${boxId}:${r.event_id}`);
  }
  return [...touched];
}
