/**
 * A session's timeline for the dashboard: detected movement patterns (by name, with the
 * dancer's label) and the sound and visualization events the box fired, in time order.
 */
import type { Kysely } from 'kysely';
import type { CloudDatabase } from './schema.js';
import { streamSpan, type SessionRow } from './sessions.js';

export interface TimelineItem {
  at: string | null;
  kind: 'pattern' | 'sound' | 'visualization';
  text: string;
  dancer: string | null;
}

const text = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');

export async function sessionTimeline(
  db: Kysely<CloudDatabase>,
  s: SessionRow,
  limit: number,
): Promise<{ items: TimelineItem[]; truncated: boolean }> {
  const streams = ['patterns', 'sound', 'visualization'];
  const span = await streamSpan(db, s, streams);
  if (!span) return { items: [], truncated: false };
  const rows = await db
    .selectFrom('records')
    .select(['stream', 'at', 'user_ref', 'data'])
    .where('box_id', '=', s.box_id)
    .where('event_id', '=', s.entity_id)
    .where('deleted', '=', 0)
    .where('stream', 'in', streams)
    // Only the days these streams have readings on.
    .where('part_at', '>=', span.from)
    .where('part_at', '<=', span.to)
    .orderBy('at')
    .orderBy('id')
    .limit(limit + 1)
    .execute();
  const named = async (
    entity: 'movement_patterns' | 'users',
    ids: number[],
  ): Promise<Map<number, Record<string, unknown>>> => {
    if (ids.length === 0) return new Map();
    const found = await db
      .selectFrom('records')
      .select(['entity_id', 'data'])
      .where('box_id', '=', s.box_id)
      .where('entity', '=', entity)
      .where('deleted', '=', 0)
      .where('entity_id', 'in', ids)
      .execute();
    return new Map(found.map((r) => [r.entity_id, JSON.parse(r.data) as Record<string, unknown>]));
  };
  const parsed = rows.slice(0, limit).map((r) => ({ ...r, d: JSON.parse(r.data) as Record<string, unknown> }));
  const patterns = await named('movement_patterns', [
    ...new Set(
      parsed
        .filter((r) => r.stream === 'patterns')
        .map((r) => Number(r.d.pattern_id))
        .filter(Number.isSafeInteger),
    ),
  ]);
  const users = await named('users', [
    ...new Set(parsed.map((r) => r.user_ref).filter((u): u is number => u !== null)),
  ]);
  const label = (u: number | null): string | null => {
    if (u === null) return null;
    const d = users.get(u);
    return typeof d?.username === 'string'
      ? d.username
      : typeof d?.pseudonym === 'string'
        ? `dancer ${d.pseudonym.slice(0, 8)}`
        : `dancer ${u}`;
  };
  const items = parsed.map((r): TimelineItem => {
    const at = r.at === null ? null : new Date(r.at).toISOString();
    if (r.stream === 'patterns') {
      const name = text(patterns.get(Number(r.d.pattern_id))?.name) || `pattern ${text(r.d.pattern_id)}`;
      const confidence = typeof r.d.confidence === 'number' ? ` (${Math.round(r.d.confidence * 100)} %)` : '';
      return { at, kind: 'pattern', text: `${name}${confidence}`, dancer: label(r.user_ref) };
    }
    if (r.stream === 'sound') return { at, kind: 'sound', text: text(r.d.sound_type) || 'sound event', dancer: null };
    return { at, kind: 'visualization', text: text(r.d.viz_type) || 'visualization event', dancer: null };
  });
  return { items, truncated: rows.length > limit };
}
