/**
 * Retention per stream: rows older than the configured days are deleted, a few thousand at a
 * time so the write path never waits long for the lock. 0 days keeps a stream forever.
 * Biometrics are personal data: keeping them no longer than needed is the point.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Config } from '../../config/index.js';
import { rawStreams } from '../../config/signals.js';
import type { HealthReporter } from '../../drivers/health/registry.js';
import type { Teardowns } from '../lifecycle.js';
import type { Logger } from '../logger.js';

export type RetentionDays = Config['retention']['days'];

const DAY_MS = 86_400_000;
const SLICE = 5000;

const targets: { key: keyof RetentionDays; table: string; time: string; where?: string }[] = [
  // Each raw stream of the signal registry, by name (the names are the registry's own identifiers).
  ...rawStreams.map((key) => ({ key, table: 'stream_chunks', time: 'started_at', where: `stream = '${key}'` })),
  { key: 'biometrics', table: 'biometric_data', time: 'recorded_at' },
  { key: 'inferences', table: 'inferences', time: 'at' },
  { key: 'crowd', table: 'crowd_states', time: 'at' },
  { key: 'audit', table: 'access_log', time: 'at' },
];

/** Deletes what has expired; returns how many rows per stream. */
export function pruneExpired(sqlite: BetterSqlite3.Database, now: number, days: RetentionDays): Record<string, number> {
  const deleted: Record<string, number> = {};
  for (const t of targets) {
    const d = days[t.key];
    if (d === 0) continue;
    const cutoff = now - d * DAY_MS;
    const where = `${t.where ? `${t.where} AND ` : ''}${t.time} < ?`;
    const stmt = sqlite.prepare(
      `DELETE FROM ${t.table} WHERE id IN (SELECT id FROM ${t.table} WHERE ${where} LIMIT ${SLICE})`,
    );
    let total = 0;
    for (;;) {
      const n = stmt.run(cutoff).changes;
      total += n;
      if (n < SLICE) break;
    }
    if (total > 0) deleted[t.key] = total;
  }
  const slots = releaseSlots(sqlite, now);
  if (slots > 0) deleted.slots = slots;
  return deleted;
}

/**
 * Dancer slots are an output patch for the night, not a record: those of events that ended
 * over a day ago go, and a deleted dancer's go at once (nothing on the box still names them).
 */
function releaseSlots(sqlite: BetterSqlite3.Database, now: number): number {
  return sqlite
    .prepare(
      `DELETE FROM dancer_slots WHERE
         (scope LIKE 'event:%' AND NOT EXISTS (
           SELECT 1 FROM events e WHERE 'event:' || e.id = dancer_slots.scope AND e.ends_at >= ?))
         OR (holder LIKE 'user:%' AND NOT EXISTS (
           SELECT 1 FROM users u WHERE 'user:' || u.id = dancer_slots.holder))`,
    )
    .run(now - DAY_MS).changes;
}

/** Prunes now and then every `retention.everyMinutes`, reporting each run as the `retention` component. */
export function scheduleRetention(
  deps: {
    sqlite: BetterSqlite3.Database;
    retention: Config['retention'];
    now: () => number;
    health: HealthReporter;
    log: Pick<Logger, 'info'>;
  },
  teardowns: Teardowns,
): void {
  const prune = (): void => {
    try {
      const deleted = pruneExpired(deps.sqlite, deps.now(), deps.retention.days);
      deps.health.report('retention', {
        type: 'subsystem',
        state: 'connected',
        detail: `last run deleted ${JSON.stringify(deleted)}`,
      });
      if (Object.keys(deleted).length > 0) deps.log.info({ deleted }, 'expired rows deleted (retention)');
    } catch (err) {
      deps.health.report('retention', { type: 'subsystem', state: 'error', detail: (err as Error).message });
    }
  };
  prune();
  const timer = setInterval(prune, deps.retention.everyMinutes * 60_000);
  teardowns.add('retention', () => clearInterval(timer));
}
