/**
 * Per-dancer summaries of one session, for the dashboard: heart rate, skin conductance,
 * arousal and detected patterns of each dancer the session's readings name, from the figures
 * ingest keeps per dancer (sync/cloud/summaries.ts). A dancer is shown by pseudonym when the
 * box pseudonymises (the default); the cloud never holds more.
 */
import type { Kysely } from 'kysely';
import type { CloudDatabase } from './schema.js';
import type { SessionRow } from './sessions.js';

export interface DancerSummary {
  user: number;
  label: string;
  first: string | null;
  last: string | null;
  hr: { n: number; mean: number | null; max: number | null };
  eda_mean_us: number | null;
  arousal: { n: number; mean: number | null; high_share: number | null };
  patterns: number;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(Number(ms)).toISOString());
const r = (v: number, d = 2): number => Math.round(v * 10 ** d) / 10 ** d;

export async function sessionDancers(db: Kysely<CloudDatabase>, s: SessionRow): Promise<DancerSummary[]> {
  const stats = await db
    .selectFrom('session_dancer_stats')
    .selectAll()
    .where('box_id', '=', s.box_id)
    .where('event_id', '=', s.entity_id)
    .execute();
  if (stats.length === 0) return [];
  const users = await db
    .selectFrom('records')
    .select(['entity_id', 'data'])
    .where('box_id', '=', s.box_id)
    .where('entity', '=', 'users')
    .where('deleted', '=', 0)
    .where(
      'entity_id',
      'in',
      stats.map((a) => a.user_ref),
    )
    .execute();
  const labels = new Map(
    users.map((u) => {
      const d = JSON.parse(u.data) as Record<string, unknown>;
      const label =
        typeof d.username === 'string'
          ? d.username
          : typeof d.pseudonym === 'string'
            ? `dancer ${d.pseudonym.slice(0, 8)}`
            : `dancer ${u.entity_id}`;
      return [u.entity_id, label];
    }),
  );
  return stats
    .map((a) => {
      const [hrN, edaN, arN] = [Number(a.hr_n), Number(a.eda_n), Number(a.ar_n)];
      return {
        user: Number(a.user_ref),
        label: labels.get(Number(a.user_ref)) ?? `dancer ${a.user_ref}`,
        first: iso(a.first_at),
        last: iso(a.last_at),
        hr: { n: hrN, mean: hrN ? r(a.hr_sum / hrN, 1) : null, max: hrN && a.hr_max !== null ? r(a.hr_max, 1) : null },
        eda_mean_us: edaN ? r(a.eda_sum / edaN, 3) : null,
        arousal: {
          n: arN,
          mean: arN ? r(a.ar_sum / arN, 3) : null,
          high_share: arN ? r(Number(a.ar_high) / arN, 3) : null,
        },
        patterns: Number(a.patterns),
      };
    })
    .sort((x, y) => x.label.localeCompare(y.label));
}
