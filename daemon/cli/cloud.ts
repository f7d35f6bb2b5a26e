/** `codance cloud`: run the cloud server, and the operator's bootstrap commands (run on the cloud host). */
import { Accounts } from '../../sync/cloud/accounts.js';
import { migrateCloud, openCloudDb } from '../../sync/cloud/database.js';

export async function withCloudDb<T>(
  target: string,
  run: (accounts: Accounts, db: ReturnType<typeof openCloudDb>) => Promise<T>,
): Promise<T> {
  const db = openCloudDb(target);
  try {
    await migrateCloud(db);
    return await run(new Accounts(db.db), db);
  } finally {
    await db.close();
  }
}

export class CloudCommandError extends Error {}

/** The organisation an operator names: its id or its exact name. */
async function findOrg(db: ReturnType<typeof openCloudDb>, ref: string): Promise<{ id: number; name: string }> {
  const q = db.db.selectFrom('orgs').select(['id', 'name']);
  const org = await (
    /^\d+$/.test(ref) ? q.where('id', '=', Number(ref)) : q.where('name', '=', ref)
  ).executeTakeFirst();
  if (!org) throw new CloudCommandError(`no organisation "${ref}" (give its id or exact name)`);
  return { id: Number(org.id), name: org.name };
}

export function createVenueCommand(
  target: string,
  orgRef: string,
  name: string,
): Promise<{ venueId: number; org: { id: number; name: string } }> {
  return withCloudDb(target, async (accounts, db) => {
    const org = await findOrg(db, orgRef);
    const venueId = await accounts.createVenue(org.id, name).catch((err: unknown) => {
      throw new CloudCommandError((err as Error).message);
    });
    return { venueId, org };
  });
}

/** A one-time code for a venue, made in the name of its organisation's owner (the operator acts for them). */
export function enrolCodeCommand(
  target: string,
  venueId: number,
  ttlMs: number,
): Promise<{ code: string; expiresAt: number; venue: string; org: string }> {
  return withCloudDb(target, async (accounts, db) => {
    const venue = await db.db
      .selectFrom('venues')
      .innerJoin('orgs', 'orgs.id', 'venues.org_id')
      .select(['venues.id', 'venues.name', 'venues.org_id', 'orgs.name as org'])
      .where('venues.id', '=', venueId)
      .executeTakeFirst();
    if (!venue) throw new CloudCommandError(`no venue ${venueId} (codance cloud venue list shows them)`);
    const owner = await db.db
      .selectFrom('memberships')
      .select('user_id')
      .where('org_id', '=', venue.org_id)
      .where('role', '=', 'owner')
      .orderBy('user_id')
      .executeTakeFirst();
    if (!owner) throw new CloudCommandError(`the organisation of venue ${venueId} has no owner`);
    const { code, expiresAt } = await accounts.enrolmentCode(Number(venue.id), Number(owner.user_id), ttlMs);
    return { code, expiresAt, venue: venue.name, org: venue.org };
  });
}

export function listVenues(
  target: string,
): Promise<{ id: number; name: string; org: string; boxes: number; lastSeenAt: number | null }[]> {
  return withCloudDb(target, async (_accounts, db) => {
    const rows = await db.db
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
  });
}
