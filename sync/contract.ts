/**
 * The sync wire contract between a box and `codance cloud`: which tables travel in which
 * priority class, the shape of a batch and of its acknowledgement, and the canonical form of
 * a record that both ends hash, so "the cloud holds exactly the box's records" is a
 * comparison of checksums rather than a belief.
 */
import { ROW_SIGNALS } from '../config/signals.js';
import { createHash } from 'node:crypto';
import { z } from 'zod';

/** Priority classes, highest first: a batch is filled from the first class with a backlog. */
export const syncClasses = {
  /** Who and what: people, events and registrations, devices and their assignments, the libraries. */
  records: [
    'users',
    'events',
    'registrations',
    'device_assignments',
    'movement_patterns',
    'songs',
    'song_selections',
    'sound_samples',
    'sound_presets',
    'visualization_presets',
    'collections',
    /** A dancer's erasure: the cloud deletes what it holds of them (sync/PROTOCOL.md). */
    'erasures',
  ],
  /** Features and inferences: low-rate readings, model outputs, crowd states, detections and the room's output events. */
  features: [
    'biometric_data',
    'movement_data',
    'inferences',
    'crowd_states',
    'detected_patterns',
    'sound_events',
    'visualization_events',
  ],
  /** Raw high-rate chunks (IMU, ECG, PPG). */
  raw: ['stream_chunks'],
} as const;

export type SyncClass = keyof typeof syncClasses;
export type SyncEntity = (typeof syncClasses)[SyncClass][number];
export const syncClassNames = Object.keys(syncClasses) as SyncClass[];
export const syncEntities: SyncEntity[] = syncClassNames.flatMap((c): readonly SyncEntity[] => syncClasses[c]);

/** The entities of the enabled classes, in priority order. */
export function entitiesOf(classes: readonly SyncClass[]): SyncEntity[] {
  return syncClassNames.filter((c) => classes.includes(c)).flatMap((c) => syncClasses[c]);
}

const entity = z.enum(syncEntities as [SyncEntity, ...SyncEntity[]]);

/** One outbox entry as it travels: the row as the box has it now (absent for a delete). */
/**
 * The largest outbox seq a box can have written: 2^40 is 14 years at 2 500 rows a second,
 * every second. Anything above is forged or corrupt, and would freeze its record in the cloud.
 */
export const MAX_SYNC_SEQ = 2 ** 40;

export const syncRecord = z.strictObject({
  seq: z.number().int().positive().max(MAX_SYNC_SEQ, `seq is beyond what a box can have written (at most 2^40)`),
  entity,
  id: z.number().int(),
  op: z.enum(['upsert', 'delete']),
  data: z.record(z.string(), z.unknown()).optional(),
});
export type SyncRecord = z.infer<typeof syncRecord>;

export const syncBatch = z.strictObject({
  /** The box's stable id (box_meta.box_id). */
  box: z.uuid(),
  sent_at: z.number().int(),
  records: z.array(syncRecord).min(1).max(20_000),
});
export type SyncBatch = z.infer<typeof syncBatch>;

export const syncAck = z.strictObject({
  /** Records stored or replaced. */
  accepted: z.number().int(),
  /** Records the cloud already held at this seq or a later one (retries after a lost ack). */
  duplicates: z.number().int(),
  max_seq: z.number().int(),
});
export type SyncAck = z.infer<typeof syncAck>;

/** JSON with object keys sorted at every level: the one text both ends hash. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = sortKeys((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}

/**
 * Checksum of one table's records: SHA-256 over "id TAB canonical-json LF", ids ascending.
 * `rows` must already be in ascending id order.
 */
export function tableChecksum(rows: Iterable<{ id: number; json: string }>): { count: number; sha256: string } {
  const hash = createHash('sha256');
  let count = 0;
  for (const r of rows) {
    hash.update(`${r.id}\t${r.json}\n`);
    count++;
  }
  return { count, sha256: hash.digest('hex') };
}

export const tableChecksums = z.record(z.string(), z.strictObject({ count: z.number().int(), sha256: z.string() }));
export type TableChecksums = z.infer<typeof tableChecksums>;

/** What the cloud indexes a record by: its session (event), time, stream and dancer. */
export interface RecordIndex {
  eventId: number | null;
  at: number | null;
  stream: string | null;
  userId: number | null;
}

const timeColumn: Partial<Record<SyncEntity, string>> = {
  biometric_data: 'recorded_at',
  movement_data: 'recorded_at',
  stream_chunks: 'started_at',
  inferences: 'at',
  crowd_states: 'at',
  detected_patterns: 'detected_at',
  sound_events: 'occurred_at',
  visualization_events: 'occurred_at',
  events: 'starts_at',
  registrations: 'registered_at',
  erasures: 'requested_at',
  device_assignments: 'assigned_at',
};

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The stream name a data record is paged by on the dashboard (`hr`, `eda`, `acc`, `arousal`, `crowd`...). */
export function streamOf(e: SyncEntity, d: Record<string, unknown>): string | null {
  switch (e) {
    case 'biometric_data':
      return ROW_SIGNALS.find((r) => d[r.column] != null)?.stream ?? 'biometrics';
    case 'stream_chunks':
      return typeof d.stream === 'string' ? d.stream : null;
    case 'inferences':
      return typeof d.model === 'string' ? d.model : null;
    case 'movement_data':
      return 'movement';
    case 'crowd_states':
      return 'crowd';
    case 'detected_patterns':
      return 'patterns';
    case 'sound_events':
      return 'sound';
    case 'visualization_events':
      return 'visualization';
    case 'users':
    case 'events':
    case 'registrations':
    case 'device_assignments':
    case 'movement_patterns':
    case 'songs':
    case 'song_selections':
    case 'sound_samples':
    case 'sound_presets':
    case 'visualization_presets':
    case 'collections':
    case 'erasures':
      return null;
  }
}

export function indexOf(e: SyncEntity, id: number, d: Record<string, unknown>): RecordIndex {
  const col = timeColumn[e] ?? 'created_at';
  return {
    eventId: e === 'events' ? id : num(d.event_id),
    at: num(d[col]),
    stream: streamOf(e, d),
    userId: num(d.user_id),
  };
}
