/** The fleet bench's retention figures: whole days dropped against rows deleted and vacuumed. */
import { sql } from 'kysely';
import { openCloudDb } from '../../sync/cloud/database.js';
import { DAY_MS, partitionName } from '../../sync/cloud/partitions.js';
import { applyCloudRetention } from '../../sync/cloud/retention.js';
import { round, type Figure } from './figure.js';

/**
 * Retention over the history: four days of readings dropped whole by `applyCloudRetention`
 * against the baseline, four other days deleted row by row (what retention did before days
 * were partitions): time and WAL per 100 000 readings.
 */
export async function retentionFigures(url: string, orgId: number, day0: number): Promise<Record<string, Figure>> {
  const db = openCloudDb(url);
  try {
    const wal = async () =>
      Number(
        (await sql<{ b: string }>`SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::text AS b`.execute(db.db))
          .rows[0]!.b,
      );
    let w = await wal();
    let t = performance.now();
    const deleted = await db.db
      .deleteFrom('records')
      .where('entity', '=', 'biometric_data')
      .where('part_at', '>=', (day0 + 6) * DAY_MS)
      .where('part_at', '<', (day0 + 10) * DAY_MS)
      .executeTakeFirst();
    const rows = Number(deleted.numDeletedRows);
    // Deleted rows are only gone once vacuumed: the baseline pays for that too.
    for (let d = day0 + 6; d < day0 + 10; d++) await sql.raw(`VACUUM ${partitionName('features', d)}`).execute(db.db);
    const deleteMs = performance.now() - t;
    const deleteWal = (await wal()) - w;
    // Every organisation keeps readings 95 days: the days before day0 + 5 (sessions 1-4) are past.
    const now = Date.now();
    await db.db
      .insertInto('retention_policies')
      .values({
        org_id: orgId,
        class: 'features',
        days: Math.floor(now / DAY_MS) - day0 - 5,
        updated_at: now,
        updated_by: null,
      })
      .execute();
    const held = await db.db
      .selectFrom('records')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('entity', '=', 'biometric_data')
      .where('part_at', '<', (day0 + 5) * DAY_MS)
      .executeTakeFirstOrThrow();
    w = await wal();
    t = performance.now();
    const run = await applyCloudRetention(db.db, now, 0);
    const dropMs = performance.now() - t;
    const dropWal = (await wal()) - w;
    const dropped = Number(held.n);
    const per100k = (v: number, n: number) => (v * 100_000) / n;
    return {
      'cloud.retention_drop_ms_per_100k': {
        value: round(per100k(dropMs, dropped), 1),
        unit: `ms per 100 000 readings of retention dropping ${run.dropped.length} day partitions (${dropped} readings, ${run.rebuilt} session summaries rebuilt); baseline, deleting ${rows} readings of 4 other days row by row and vacuuming them: ${round(per100k(deleteMs, rows), 1)} ms (ratio ${round(dropMs / dropped / (deleteMs / rows), 4)})`,
      },
      'cloud.retention_drop_wal_bytes_per_100k': {
        value: round(per100k(dropWal, dropped)),
        unit: `bytes of WAL per 100 000 readings dropped; baseline, row by row: ${round(per100k(deleteWal, rows))}`,
      },
    };
  } finally {
    await db.close();
  }
}
