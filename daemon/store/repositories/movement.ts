/** Movement records read back: how the floor moved over a recent stretch of an event. */
import type { Sql } from '../sql.js';

export interface RecentMovement {
  /** Mean intensity and crowd density of the records, null without any. */
  intensity: number | null;
  density: number | null;
  records: number;
  /** The newest record's id. */
  latestId: number | null;
}

export function recentMovement(sql: Sql, eventId: number, since: number): RecentMovement {
  const agg = sql.first(
    sql.db
      .selectFrom('movement_data')
      .select((eb) => [
        eb.fn.avg<number>('intensity').as('intensity'),
        eb.fn.avg<number>('crowd_density').as('density'),
        eb.fn.countAll<number>().as('n'),
        eb.fn.max('id').as('latest'),
      ])
      .where('event_id', '=', eventId)
      .where('recorded_at', '>=', since),
  );
  return {
    intensity: agg?.intensity ?? null,
    density: agg?.density ?? null,
    records: agg?.n ?? 0,
    latestId: agg?.latest ?? null,
  };
}
