/**
 * Fills one batch from the outbox: entities in priority order, bounded by records and bytes,
 * each record serialised once. The cursors it returns move only past what the batch holds (or
 * past entries that were gone or withheld), so an acknowledgement can never skip a record.
 */
import type { SyncEntity, SyncRecord } from './contract.js';
import type { OutboxSource } from './outbox-source.js';

export interface Built {
  records: SyncRecord[];
  cursors: Map<SyncEntity, number>;
  body: string;
  skipped: number;
}

export interface BatchLimits {
  maxRecords: number;
  maxBytes: number;
}

/**
 * `recordBytes` keeps a running estimate of each entity's record size (for the backlog
 * figure), updated with what this batch measured.
 */
export function buildBatch(
  source: OutboxSource,
  entities: readonly SyncEntity[],
  limits: BatchLimits,
  recordBytes: Map<SyncEntity, number>,
  now: number,
): Built {
  const cursors = source.cursors();
  const moved = new Map<SyncEntity, number>();
  const parts: string[] = [];
  const records: SyncRecord[] = [];
  let bytes = 0;
  let skipped = 0;
  for (const entity of entities) {
    const room = limits.maxRecords - records.length;
    if (room <= 0 || bytes >= limits.maxBytes) break;
    const taken = source.take(entity, cursors.get(entity) ?? 0, room);
    if (taken.records.length === 0) {
      if (taken.lastSeq > (cursors.get(entity) ?? 0)) moved.set(entity, taken.lastSeq);
      skipped += taken.skipped;
      continue;
    }
    let last = taken.lastSeq;
    let entityBytes = 0;
    let kept = 0;
    for (const r of taken.records) {
      const json = JSON.stringify(r);
      if (records.length > 0 && bytes + json.length > limits.maxBytes) {
        last =
          records[records.length - 1]!.entity === entity
            ? records[records.length - 1]!.seq
            : (cursors.get(entity) ?? 0);
        break;
      }
      parts.push(json);
      records.push(r);
      bytes += json.length + 1;
      entityBytes += json.length;
      kept++;
    }
    if (kept === taken.records.length) skipped += taken.skipped;
    if (kept > 0)
      recordBytes.set(entity, 0.8 * (recordBytes.get(entity) ?? entityBytes / kept) + 0.2 * (entityBytes / kept));
    if (last > (cursors.get(entity) ?? 0)) moved.set(entity, last);
  }
  const body = `{"box":${JSON.stringify(source.boxId)},"sent_at":${now},"records":[${parts.join(',')}]}`;
  return { records, cursors: moved, body, skipped };
}
