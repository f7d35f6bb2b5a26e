/**
 * Session summaries kept at ingest, so the dashboard's session page reads a few summary rows
 * instead of aggregating every reading at each load. Each reading newly stored adds to its
 * session's figures (per stream, the crowd, per dancer); anything that takes readings away or
 * changes one already counted (an erasure, retention, a corrected reading) rebuilds the
 * sessions it touched from the readings themselves (sync/cloud/summary-rebuild.ts), with the
 * same fold. Sums, counts, minima and maxima only: adding in any order gives the same figures.
 */
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import { isPostgres } from './partitions.js';
import type { CloudDatabase } from './schema.js';

/** Arousal above this counts as "high" (the model's output is a probability). */
export const HIGH_AROUSAL = 0.5;

/** A stored reading as the fold needs it. */
export interface FoldRow {
  box_id: number;
  event_id: number;
  entity: string;
  stream: string | null;
  at: number | null;
  user_ref: number | null;
  data: Record<string, unknown>;
}

type Db = Kysely<CloudDatabase> | Transaction<CloudDatabase>;
type Streams = CloudDatabase['session_streams'];
type Crowd = CloudDatabase['session_crowd'];
type Dancer = CloudDatabase['session_dancer_stats'];

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const lo = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.min(a, b));
const hi = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.max(a, b));

/** The figures some readings add to their sessions. */
export class SummaryDelta {
  readonly streams = new Map<string, Streams>();
  readonly crowd = new Map<string, Crowd>();
  readonly dancers = new Map<string, Dancer>();

  get empty(): boolean {
    return this.streams.size === 0;
  }

  add(r: FoldRow): void {
    const stream = r.stream ?? '';
    const sk = `${r.box_id}:${r.event_id}:${r.entity}:${stream}`;
    const s = this.streams.get(sk) ?? {
      box_id: r.box_id,
      event_id: r.event_id,
      entity: r.entity,
      stream,
      n: 0,
      first_at: null,
      last_at: null,
    };
    s.n++;
    s.first_at = lo(s.first_at, r.at);
    s.last_at = hi(s.last_at, r.at);
    this.streams.set(sk, s);
    const session = `${r.box_id}:${r.event_id}`;
    if (stream === 'crowd') {
      const c = this.crowd.get(session) ?? {
        box_id: r.box_id,
        event_id: r.event_id,
        samples: 0,
        energy_sum: 0,
        energy_n: 0,
        arousal_sum: 0,
        arousal_n: 0,
        peak_active: 0,
      };
      c.samples++;
      const energy = num(r.data.energy);
      if (energy !== undefined) {
        c.energy_sum += energy;
        c.energy_n++;
      }
      const arousal = num(r.data.arousal_mean);
      if (arousal !== undefined) {
        c.arousal_sum += arousal;
        c.arousal_n++;
      }
      c.peak_active = Math.max(c.peak_active, num(r.data.active_dancers) ?? 0);
      this.crowd.set(session, c);
    }
    if (r.user_ref === null) return;
    const dk = `${session}:${r.user_ref}`;
    const d = this.dancers.get(dk) ?? {
      box_id: r.box_id,
      event_id: r.event_id,
      user_ref: r.user_ref,
      first_at: null,
      last_at: null,
      hr_n: 0,
      hr_sum: 0,
      hr_max: null,
      eda_n: 0,
      eda_sum: 0,
      ar_n: 0,
      ar_sum: 0,
      ar_high: 0,
      patterns: 0,
    };
    d.first_at = lo(d.first_at, r.at);
    d.last_at = hi(d.last_at, r.at);
    const hr = stream === 'hr' ? num(r.data.heart_rate) : undefined;
    if (hr !== undefined) {
      d.hr_n++;
      d.hr_sum += hr;
      d.hr_max = hi(d.hr_max, hr);
    }
    const eda = stream === 'eda' ? num(r.data.gsr_us) : undefined;
    if (eda !== undefined) {
      d.eda_n++;
      d.eda_sum += eda;
    }
    const arousal = stream === 'arousal' ? num(r.data.value) : undefined;
    if (arousal !== undefined) {
      d.ar_n++;
      d.ar_sum += arousal;
      if (arousal > HIGH_AROUSAL) d.ar_high++;
    }
    if (stream === 'patterns') d.patterns++;
    this.dancers.set(dk, d);
  }

  /** The sessions these readings belong to, as `box:event`. */
  sessions(): string[] {
    return [...new Set([...this.streams.values()].map((s) => `${s.box_id}:${s.event_id}`))].sort();
  }
}

const CHUNK = 500;
const plus = (t: string, c: string): RawBuilder<number> =>
  sql<number>`${sql.ref(`${t}.${c}`)} + excluded.${sql.ref(c)}`;
const least = (t: string, c: string): RawBuilder<number> =>
  sql<number>`CASE WHEN ${sql.ref(`${t}.${c}`)} IS NULL OR excluded.${sql.ref(c)} < ${sql.ref(`${t}.${c}`)} THEN excluded.${sql.ref(c)} ELSE ${sql.ref(`${t}.${c}`)} END`;
const most = (t: string, c: string): RawBuilder<number> =>
  sql<number>`CASE WHEN ${sql.ref(`${t}.${c}`)} IS NULL OR excluded.${sql.ref(c)} > ${sql.ref(`${t}.${c}`)} THEN excluded.${sql.ref(c)} ELSE ${sql.ref(`${t}.${c}`)} END`;

/** Adds the figures to the stored summaries (rows in key order, so concurrent batches cannot deadlock). */
export async function addToSummaries(db: Db, delta: SummaryDelta): Promise<void> {
  const sorted = <T>(m: Map<string, T>): T[] => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, v]) => v);
  const streams = sorted(delta.streams);
  for (let i = 0; i < streams.length; i += CHUNK)
    await db
      .insertInto('session_streams')
      .values(streams.slice(i, i + CHUNK))
      .onConflict((oc) =>
        oc.columns(['box_id', 'event_id', 'entity', 'stream']).doUpdateSet({
          n: plus('session_streams', 'n'),
          first_at: least('session_streams', 'first_at'),
          last_at: most('session_streams', 'last_at'),
        }),
      )
      .execute();
  const crowd = sorted(delta.crowd);
  if (crowd.length > 0)
    await db
      .insertInto('session_crowd')
      .values(crowd)
      .onConflict((oc) =>
        oc.columns(['box_id', 'event_id']).doUpdateSet({
          samples: plus('session_crowd', 'samples'),
          energy_sum: plus('session_crowd', 'energy_sum'),
          energy_n: plus('session_crowd', 'energy_n'),
          arousal_sum: plus('session_crowd', 'arousal_sum'),
          arousal_n: plus('session_crowd', 'arousal_n'),
          peak_active: most('session_crowd', 'peak_active'),
        }),
      )
      .execute();
  const dancers = sorted(delta.dancers);
  const t = 'session_dancer_stats';
  for (let i = 0; i < dancers.length; i += CHUNK)
    await db
      .insertInto(t)
      .values(dancers.slice(i, i + CHUNK))
      .onConflict((oc) =>
        oc.columns(['box_id', 'event_id', 'user_ref']).doUpdateSet({
          first_at: least(t, 'first_at'),
          last_at: most(t, 'last_at'),
          hr_n: plus(t, 'hr_n'),
          hr_sum: plus(t, 'hr_sum'),
          hr_max: most(t, 'hr_max'),
          eda_n: plus(t, 'eda_n'),
          eda_sum: plus(t, 'eda_sum'),
          ar_n: plus(t, 'ar_n'),
          ar_sum: plus(t, 'ar_sum'),
          ar_high: plus(t, 'ar_high'),
          patterns: plus(t, 'patterns'),
        }),
      )
      .execute();
}

/**
 * Holds these sessions (`box:event`) until the transaction ends, so a rebuild and an ingest of
 * the same session do not interleave. PostgreSQL only: SQLite has one writer at a time.
 */
export async function lockSessions(tx: Transaction<CloudDatabase>, sessions: readonly string[]): Promise<void> {
  if (sessions.length === 0 || !isPostgres(tx)) return;
  const keys = sessions.map((s) => s.split(':').map((n) => Number(n) % 2 ** 31) as [number, number]);
  const values = sql.join(keys.map(([b, e]) => sql`(${b}::int, ${e}::int)`));
  await sql`SELECT pg_advisory_xact_lock(k.b, k.e) FROM (VALUES ${values}) AS k(b, e) ORDER BY k.b, k.e`.execute(tx);
}
