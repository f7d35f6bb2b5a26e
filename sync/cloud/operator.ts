/**
 * The cloud operator's lookups for `codance cloud venue|enrol-code` (run on the cloud host,
 * straight on the database): an organisation by id or name, a venue with its organisation and
 * owner, and every venue with its boxes.
 */
import type { Kysely } from 'kysely';
import type { CloudDatabase } from './schema.js';

/** The organisation an operator names: its id or its exact name. */
export async function findOrg(
  db: Kysely<CloudDatabase>,
  ref: string,
): Promise<{ id: number; name: string } | undefined> {
  const q = db.selectFrom('orgs').select(['id', 'name']);
  const org = await (
    /^\d+$/.test(ref) ? q.where('id', '=', Number(ref)) : q.where('name', '=', ref)
  ).executeTakeFirst();
  return org && { id: Number(org.id), name: org.name };
}

/** A venue, its organisation's name and the organisation's first owner (undefined: no such venue). */
export async function venueWithOwner(
  db: Kysely<CloudDatabase>,
  venueId: number,
): Promise<{ id: number; name: string; org: string; ownerId: number | undefined } | undefined> {
  const venue = await db
    .selectFrom('venues')
    .innerJoin('orgs', 'orgs.id', 'venues.org_id')
    .select(['venues.id', 'venues.name', 'venues.org_id', 'orgs.name as org'])
    .where('venues.id', '=', venueId)
    .executeTakeFirst();
  if (!venue) return undefined;
  const owner = await db
    .selectFrom('memberships')
    .select('user_id')
    .where('org_id', '=', venue.org_id)
    .where('role', '=', 'owner')
    .orderBy('user_id')
    .executeTakeFirst();
  return { id: Number(venue.id), name: venue.name, org: venue.org, ownerId: owner && Number(owner.user_id) };
}

export interface VenueLine {
  id: number;
  name: string;
  org: string;
  boxes: number;
  lastSeenAt: number | null;
}

/** Every venue with its organisation, how many boxes it has and when one last synced. */
export async function venueLines(db: Kysely<CloudDatabase>): Promise<VenueLine[]> {
  const rows = await db
    .selectFrom('venues')
    .innerJoin('orgs', 'orgs.id', 'venues.org_id')
    .leftJoin('boxes', 'boxes.venue_id', 'venues.id')
    .select((eb) => [
      'venues.id',
      'venues.name',
      'orgs.name as org',
      eb.fn.count<number>('boxes.id').as('boxes'),
      eb.fn.max('boxes.last_seen_at').as('last_seen_at'),
    ])
    .groupBy(['venues.id', 'venues.name', 'orgs.name'])
    .orderBy('venues.id')
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    name: r.name,
    org: r.org,
    boxes: Number(r.boxes),
    lastSeenAt: r.last_seen_at === null ? null : Number(r.last_seen_at),
  }));
}
