/**
 * The outbox as the sync client reads it (sync/outbox-source.ts), over the box's SQLite.
 *
 * An entry names a row; the row is read when it is sent, so the cloud gets the row as it is
 * now and an id updated ten times travels once. Before a row leaves the box it is made fit to:
 * a password hash never travels, song and sample audio stay on the box (the analysis travels),
 * and with `pseudonymise` a dancer is their pseudonym only. A biometric row whose dancer has
 * since withdrawn consent to cloud sync is skipped, even though it was enqueued.
 */
import type BetterSqlite3 from 'better-sqlite3';
import {
  canonicalJson,
  tableChecksum,
  type SyncEntity,
  type SyncRecord,
  type TableChecksums,
} from '../../sync/contract.js';
import type { Backlog, OutboxSource, Taken } from '../../sync/outbox-source.js';

export interface OutboxOptions {
  pseudonymise: boolean;
}

type Row = Record<string, unknown>;

/** Columns that never leave the box, per table. */
const neverSent: Partial<Record<SyncEntity, string[]>> = {
  users: ['password_hash'],
  songs: ['data'],
  sound_samples: ['data'],
};
/** Tables whose rows are a dancer's biometrics (consent to cloud sync applies at send time too). */
const biometric = new Set<SyncEntity>(['biometric_data', 'inferences']);

export class SqliteOutbox implements OutboxSource {
  private readonly cursorRows: BetterSqlite3.Statement<[], { entity: SyncEntity; acked_seq: number }>;
  private readonly upsertCursor: BetterSqlite3.Statement<[string, number, number]>;
  private readonly ackAll: (cursors: Map<SyncEntity, number>, at: number) => void;
  private readonly entries: BetterSqlite3.Statement<
    [string, number, number],
    { seq: number; entity_id: number; op: 'upsert' | 'delete' }
  >;
  private readonly pending: BetterSqlite3.Statement<[string, number], { n: number; oldest: number | null }>;
  private readonly pendingCapped: BetterSqlite3.Statement<
    [string, number, number],
    { n: number; oldest: number | null }
  >;
  private readonly meta: BetterSqlite3.Statement<[string], { value: string }>;

  constructor(
    private readonly sqlite: BetterSqlite3.Database,
    readonly boxId: string,
    private readonly options: OutboxOptions,
  ) {
    this.cursorRows = sqlite.prepare('SELECT entity, acked_seq FROM sync_cursors');
    this.upsertCursor = sqlite.prepare(
      'INSERT INTO sync_cursors (entity, acked_seq, acked_at) VALUES (?, ?, ?) ON CONFLICT (entity) DO UPDATE SET acked_seq = max(acked_seq, excluded.acked_seq), acked_at = excluded.acked_at',
    );
    this.ackAll = sqlite.transaction((cursors: Map<SyncEntity, number>, at: number) => {
      for (const [entity, seq] of cursors) this.upsertCursor.run(entity, seq, at);
    });
    this.entries = sqlite.prepare(
      'SELECT seq, entity_id, op FROM outbox WHERE entity = ? AND seq > ? ORDER BY seq LIMIT ?',
    );
    this.pending = sqlite.prepare(
      'SELECT count(*) AS n, min(created_at) AS oldest FROM outbox WHERE entity = ? AND seq > ?',
    );
    this.pendingCapped = sqlite.prepare(
      'SELECT count(*) AS n, min(created_at) AS oldest FROM (SELECT created_at FROM outbox WHERE entity = ? AND seq > ? ORDER BY seq LIMIT ?)',
    );
    this.meta = sqlite.prepare('SELECT value FROM box_meta WHERE key = ?');
  }

  credential(): { url: string; token: string } | undefined {
    const url = this.meta.get('cloud_url')?.value;
    const token = this.meta.get('cloud_token')?.value;
    return url && token ? { url, token } : undefined;
  }

  cursors(): Map<SyncEntity, number> {
    return new Map(this.cursorRows.all().map((r) => [r.entity, r.acked_seq]));
  }

  lastAckedAt(): number | null {
    return (this.sqlite.prepare('SELECT max(acked_at) AS at FROM sync_cursors').get() as { at: number | null }).at;
  }

  ack(cursors: Map<SyncEntity, number>, at: number): void {
    if (cursors.size > 0) this.ackAll(cursors, at);
  }

  backlog(entities: readonly SyncEntity[], cursors: Map<SyncEntity, number>, cap?: number): Backlog {
    const byEntity: Backlog['byEntity'] = {};
    let entries = 0;
    let oldestAt: number | null = null;
    for (const e of entities) {
      const r =
        cap === undefined
          ? this.pending.get(e, cursors.get(e) ?? 0)
          : this.pendingCapped.get(e, cursors.get(e) ?? 0, cap);
      if (!r || r.n === 0) continue;
      byEntity[e] = r.n;
      entries += r.n;
      if (r.oldest !== null && (oldestAt === null || r.oldest < oldestAt)) oldestAt = r.oldest;
    }
    return { entries, byEntity, oldestAt };
  }

  take(entity: SyncEntity, afterSeq: number, limit: number): Taken {
    const list = this.entries.all(entity, afterSeq, limit);
    if (list.length === 0) return { records: [], lastSeq: afterSeq, skipped: 0 };
    // The newest entry per id wins: it describes the row as it is now.
    const newest = new Map<number, { seq: number; op: 'upsert' | 'delete' }>();
    for (const e of list) newest.set(e.entity_id, { seq: e.seq, op: e.op });
    const rows = this.rows(
      entity,
      [...newest].filter(([, e]) => e.op === 'upsert').map(([id]) => id),
    );
    const records: SyncRecord[] = [];
    for (const [id, e] of newest) {
      if (e.op === 'delete') {
        records.push({ seq: e.seq, entity, id, op: 'delete' });
        continue;
      }
      const row = rows.get(id);
      if (row) records.push({ seq: e.seq, entity, id, op: 'upsert', data: row });
    }
    records.sort((a, b) => a.seq - b.seq);
    return { records, lastSeq: list[list.length - 1]!.seq, skipped: list.length - records.length };
  }

  /** Rows by id, made fit to leave the box; a row gone since, or withheld, is absent. */
  private rows(entity: SyncEntity, ids: number[]): Map<number, Row> {
    const out = new Map<number, Row>();
    const drop = neverSent[entity] ?? [];
    for (let i = 0; i < ids.length; i += 500) {
      const slice = ids.slice(i, i + 500);
      const found = this.sqlite
        .prepare(`SELECT * FROM ${entity} WHERE id IN (${slice.map(() => '?').join(',')})`)
        .all(...slice) as Row[];
      const refused = biometric.has(entity) ? this.withoutCloudConsent(found) : undefined;
      for (const row of found) {
        if (refused?.has(row.user_id as number)) continue;
        out.set(row.id as number, this.fit(entity, row, drop));
      }
    }
    return out;
  }

  private withoutCloudConsent(rows: Row[]): Set<number> {
    const users = [...new Set(rows.map((r) => r.user_id).filter((u): u is number => typeof u === 'number'))];
    if (users.length === 0) return new Set();
    const refused = this.sqlite
      .prepare(`SELECT id FROM users WHERE consent_cloud_sync = 0 AND id IN (${users.map(() => '?').join(',')})`)
      .all(...users) as { id: number }[];
    return new Set(refused.map((r) => r.id));
  }

  private fit(entity: SyncEntity, row: Row, drop: string[]): Row {
    const out: Row = {};
    for (const [k, v] of Object.entries(row)) {
      if (drop.includes(k)) continue;
      out[k] = Buffer.isBuffer(v) ? v.toString('base64') : v;
    }
    if (entity === 'users' && this.options.pseudonymise) {
      delete out.username;
      delete out.email;
    }
    return out;
  }

  /** The newest outbox position (0 for none): a watermark for `checksums`. */
  lastSeq(): number {
    return (this.sqlite.prepare('SELECT coalesce(max(seq), 0) AS s FROM outbox').get() as { s: number }).s;
  }

  /** Entries up to `upTo` the cloud has not acknowledged yet. */
  unsentUpTo(entities: readonly SyncEntity[], upTo: number): number {
    const cursors = this.cursors();
    const count = this.sqlite.prepare('SELECT count(*) AS n FROM outbox WHERE entity = ? AND seq > ? AND seq <= ?');
    return entities.reduce((n, e) => n + (count.get(e, cursors.get(e) ?? 0, upTo) as { n: number }).n, 0);
  }

  /**
   * Per table: count and checksum of what the cloud should hold for this box: every id whose
   * newest entry (up to `upTo`) is an upsert, as it would be sent now (see sync/contract.ts tableChecksum).
   */
  checksums(entities: readonly SyncEntity[], upTo = Number.MAX_SAFE_INTEGER): TableChecksums {
    const result: TableChecksums = {};
    for (const entity of entities) {
      const latest = this.sqlite
        .prepare(
          `SELECT o.entity_id AS id, o.op FROM outbox o JOIN (SELECT entity_id, max(seq) AS m FROM outbox WHERE entity = ? AND seq <= ? GROUP BY entity_id) l ON o.seq = l.m ORDER BY o.entity_id`,
        )
        .all(entity, upTo) as { id: number; op: string }[];
      const ids = latest.filter((l) => l.op === 'upsert').map((l) => l.id);
      const rows = this.rows(entity, ids);
      result[entity] = tableChecksum(
        ids.filter((id) => rows.has(id)).map((id) => ({ id, json: canonicalJson(rows.get(id)) })),
      );
    }
    return result;
  }
}
