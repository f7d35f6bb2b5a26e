/**
 * Per-dancer summaries of one session, for the dashboard: heart rate, skin conductance,
 * arousal and detected patterns of each dancer the session's records name. A dancer is shown
 * by pseudonym when the box pseudonymises (the default); the cloud never holds more.
 * Records are read in keyset pages and folded as they come, so a long session costs memory
 * per dancer, not per record.
 */
import type { Kysely } from 'kysely';
import type { CloudDatabase } from './schema.js';
import type { SessionRow } from './sessions.js';

const PAGE = 5000;
/** Arousal above this counts as "high" (the model's output is a probability). */
const HIGH_AROUSAL = 0.5;

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

class Acc {
  first = Infinity;
  last = -Infinity;
  hrN = 0;
  hrSum = 0;
  hrMax = -Infinity;
  edaN = 0;
  edaSum = 0;
  arN = 0;
  arSum = 0;
  arHigh = 0;
  patterns = 0;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const iso = (ms: number): string | null => (Number.isFinite(ms) ? new Date(ms).toISOString() : null);
const r = (v: number, d = 2): number => Math.round(v * 10 ** d) / 10 ** d;

export async function sessionDancers(db: Kysely<CloudDatabase>, s: SessionRow): Promise<DancerSummary[]> {
  const acc = new Map<number, Acc>();
  let after = 0;
  for (;;) {
    const rows = await db
      .selectFrom('records')
      .select(['id', 'user_ref', 'stream', 'at', 'data'])
      .where('box_id', '=', s.box_id)
      .where('event_id', '=', s.entity_id)
      .where('deleted', '=', 0)
      .where('user_ref', 'is not', null)
      .where('stream', 'in', ['hr', 'eda', 'arousal', 'patterns'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(PAGE)
      .execute();
    for (const row of rows) {
      const user = row.user_ref!;
      let a = acc.get(user);
      if (!a) acc.set(user, (a = new Acc()));
      if (row.at !== null) {
        a.first = Math.min(a.first, row.at);
        a.last = Math.max(a.last, row.at);
      }
      const d = JSON.parse(row.data) as Record<string, unknown>;
      switch (row.stream ?? '') {
        case 'hr': {
          const v = num(d.heart_rate);
          if (v !== undefined) {
            a.hrN++;
            a.hrSum += v;
            a.hrMax = Math.max(a.hrMax, v);
          }
          break;
        }
        case 'eda': {
          const v = num(d.gsr_us);
          if (v !== undefined) {
            a.edaN++;
            a.edaSum += v;
          }
          break;
        }
        case 'arousal': {
          const v = num(d.value);
          if (v !== undefined) {
            a.arN++;
            a.arSum += v;
            if (v > HIGH_AROUSAL) a.arHigh++;
          }
          break;
        }
        case 'patterns':
          a.patterns++;
          break;
      }
    }
    if (rows.length < PAGE) break;
    after = rows[rows.length - 1]!.id;
  }
  if (acc.size === 0) return [];
  const users = await db
    .selectFrom('records')
    .select(['entity_id', 'data'])
    .where('box_id', '=', s.box_id)
    .where('entity', '=', 'users')
    .where('deleted', '=', 0)
    .where('entity_id', 'in', [...acc.keys()])
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
  return [...acc.entries()]
    .map(([user, a]) => ({
      user,
      label: labels.get(user) ?? `dancer ${user}`,
      first: iso(a.first),
      last: iso(a.last),
      hr: { n: a.hrN, mean: a.hrN ? r(a.hrSum / a.hrN, 1) : null, max: a.hrN ? r(a.hrMax, 1) : null },
      eda_mean_us: a.edaN ? r(a.edaSum / a.edaN, 3) : null,
      arousal: {
        n: a.arN,
        mean: a.arN ? r(a.arSum / a.arN, 3) : null,
        high_share: a.arN ? r(a.arHigh / a.arN, 3) : null,
      },
      patterns: a.patterns,
    }))
    .sort((x, y) => x.label.localeCompare(y.label));
}
