/**
 * Retention in the cloud, per organisation and sync class. Features and raw readings age by
 * their own time and are stored by day of it (sync/cloud/partitions.ts): on PostgreSQL a day is
 * dropped whole once every organisation's retention for the class has passed it, and an
 * organisation that keeps less than the others has its own readings of the days still held
 * deleted. Either way a reading is kept its days and at most one day more. Records
 * (people, events, registrations...) age by when the box last sent them, so a dancer's account
 * is not dropped while the box still keeps it current; erasure records are never aged out (they
 * keep a retried old batch from restoring what was erased). Sessions that lost readings have
 * their summaries rebuilt. The dashboard access log has its own retention (`auditDays`).
 */
import type { Kysely } from 'kysely';
import { syncClasses } from '../contract.js';
import { DAY_MS, dayOf, dropPartitionsBefore, isPostgres } from './partitions.js';
import type { CloudDatabase } from './schema.js';
import { rebuildSessions } from './summary-rebuild.js';

const SLICE = 5000;

export interface RetentionRun {
  /** Records deleted row by row per organisation and class, e.g. `{ "1:raw": 1200 }`. */
  deleted: Record<string, number>;
  /** Day partitions dropped whole (PostgreSQL). */
  dropped: string[];
  /** Sessions whose summaries were rebuilt. */
  rebuilt: number;
  audit: number;
}

type Db = Kysely<CloudDatabase>;

/** The boxes of each organisation that has any. */
async function boxesByOrg(db: Db): Promise<Map<number, number[]>> {
  const rows = await db
    .selectFrom('boxes')
    .innerJoin('venues', 'venues.id', 'boxes.venue_id')
    .select(['venues.org_id', 'boxes.id'])
    .execute();
  const out = new Map<number, number[]>();
  for (const r of rows) out.set(r.org_id, [...(out.get(r.org_id) ?? []), r.id]);
  return out;
}

export async function applyCloudRetention(db: Db, now: number, auditDays: number): Promise<RetentionRun> {
  const deleted: Record<string, number> = {};
  const dropped: string[] = [];
  const stale = new Set<string>();
  const orgs = await boxesByOrg(db);
  const policies = await db.selectFrom('retention_policies').selectAll().where('days', '>', 0).execute();
  const days = (org: number, cls: string): number | undefined =>
    policies.find((p) => p.org_id === org && p.class === cls)?.days;
  for (const cls of ['features', 'raw'] as const) {
    const entities = syncClasses[cls];
    // Whole days every organisation with boxes is done with (an organisation without a policy keeps all).
    const cutoffs = [...orgs.keys()].map((org) => {
      const d = days(org, cls);
      return d === undefined ? -Infinity : now - d * DAY_MS;
    });
    const floor = cutoffs.length > 0 ? Math.min(...cutoffs) : -Infinity;
    if (isPostgres(db) && Number.isFinite(floor)) {
      const gone = await dropPartitionsBefore(db, cls, floor);
      dropped.push(...gone);
      if (gone.length > 0) {
        const before = dayOf(floor) * DAY_MS;
        const hit = await db
          .selectFrom('session_streams')
          .select(['box_id', 'event_id'])
          .where('entity', 'in', entities)
          .where('first_at', '<', before)
          .execute();
        for (const h of hit) stale.add(`${h.box_id}:${h.event_id}`);
      }
    }
    for (const [org, boxes] of orgs) {
      const d = days(org, cls);
      if (d === undefined) continue;
      const limit = dayOf(now - d * DAY_MS);
      // One statement: PostgreSQL opens only the days before the limit (those still held).
      const r = await db
        .deleteFrom('records')
        .where('box_id', 'in', boxes)
        .where('entity', 'in', entities)
        .where('part_at', '<', limit * DAY_MS)
        .executeTakeFirst();
      const total = Number(r.numDeletedRows);
      if (total === 0) continue;
      deleted[`${org}:${cls}`] = total;
      const hit = await db
        .selectFrom('session_streams')
        .select(['box_id', 'event_id'])
        .where('box_id', 'in', boxes)
        .where('entity', 'in', entities)
        .where('first_at', '<', limit * DAY_MS)
        .execute();
      for (const h of hit) stale.add(`${h.box_id}:${h.event_id}`);
    }
  }
  for (const [org, boxes] of orgs) {
    const d = days(org, 'records');
    if (d === undefined) continue;
    const entities = syncClasses.records.filter((e) => e !== 'erasures');
    let total = 0;
    for (;;) {
      const victims = db
        .selectFrom('records')
        .select('id')
        .where('box_id', 'in', boxes)
        .where('entity', 'in', entities)
        .where('received_at', '<', now - d * DAY_MS)
        .limit(SLICE);
      const r = await db
        .deleteFrom('records')
        .where('entity', 'in', entities)
        .where('id', 'in', victims)
        .executeTakeFirst();
      const n = Number(r.numDeletedRows);
      total += n;
      if (n < SLICE) break;
    }
    if (total > 0) deleted[`${org}:records`] = total;
  }
  const rebuilt = await rebuildSessions(db, stale);
  const audit =
    auditDays > 0
      ? Number(
          (
            await db
              .deleteFrom('audit_log')
              .where('at', '<', now - auditDays * DAY_MS)
              .executeTakeFirst()
          ).numDeletedRows,
        )
      : 0;
  return { deleted, dropped, rebuilt, audit };
}

/** Runs retention now and every `everyMs`; several cloud processes may each run it (deletes are idempotent). */
export function scheduleCloudRetention(
  db: Kysely<CloudDatabase>,
  options: { now: () => number; everyMs: number; auditDays: number },
  log: { error(obj: object, msg: string): void; info(obj: object, msg: string): void },
): () => void {
  let running = false;
  const run = async (): Promise<void> => {
    if (running) return;
    running = true;
    try {
      const r = await applyCloudRetention(db, options.now(), options.auditDays);
      if (Object.keys(r.deleted).length > 0 || r.dropped.length > 0 || r.audit > 0)
        log.info(r, 'cloud retention deleted expired records');
    } catch (err) {
      log.error({ err: (err as Error).message }, 'cloud retention failed; tried again at the next run');
    } finally {
      running = false;
    }
  };
  void run();
  const timer = setInterval(() => void run(), options.everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
