/**
 * Retention in the cloud, per organisation and sync class: records older than the class's
 * days go, a few thousand per statement. Features and raw readings age by their own time
 * (`at`); records (people, events, registrations...) by when the box last sent them, so a
 * dancer's account is not dropped while the box still keeps it current. Erasure records are
 * never aged out: they keep a retried old batch from restoring what was erased. The dashboard
 * access log has its own retention (`auditDays`).
 */
import type { Kysely } from 'kysely';
import { syncClasses } from '../contract.js';
import type { CloudDatabase } from './schema.js';

const DAY_MS = 86_400_000;
const SLICE = 5000;

export interface RetentionRun {
  /** Records deleted per organisation and class, e.g. `{ "1:raw": 1200 }`. */
  deleted: Record<string, number>;
  audit: number;
}

export async function applyCloudRetention(
  db: Kysely<CloudDatabase>,
  now: number,
  auditDays: number,
): Promise<RetentionRun> {
  const deleted: Record<string, number> = {};
  const policies = await db.selectFrom('retention_policies').selectAll().where('days', '>', 0).execute();
  for (const p of policies) {
    const boxes = (
      await db
        .selectFrom('boxes')
        .innerJoin('venues', 'venues.id', 'boxes.venue_id')
        .select('boxes.id')
        .where('venues.org_id', '=', p.org_id)
        .execute()
    ).map((b) => b.id);
    if (boxes.length === 0) continue;
    const entities = (syncClasses[p.class] as readonly string[]).filter((e) => e !== 'erasures');
    const cutoff = now - p.days * DAY_MS;
    let total = 0;
    for (;;) {
      const victims = db
        .selectFrom('records')
        .select('id')
        .where('box_id', 'in', boxes)
        .where('entity', 'in', entities)
        .where((eb) =>
          p.class === 'records' ? eb('received_at', '<', cutoff) : eb(eb.fn.coalesce('at', 'received_at'), '<', cutoff),
        )
        .limit(SLICE);
      const r = await db.deleteFrom('records').where('id', 'in', victims).executeTakeFirst();
      const n = Number(r.numDeletedRows);
      total += n;
      if (n < SLICE) break;
    }
    if (total > 0) deleted[`${p.org_id}:${p.class}`] = total;
  }
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
  return { deleted, audit };
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
      if (Object.keys(r.deleted).length > 0 || r.audit > 0) log.info(r, 'cloud retention deleted expired records');
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
