/** `codance cloud`: run the cloud server, and the operator's bootstrap commands (run on the cloud host). */
import { Accounts } from '../../sync/cloud/accounts.js';
import { migrateCloud, openCloudDb } from '../../sync/cloud/database.js';
import { findOrg, venueLines, venueWithOwner, type VenueLine } from '../../sync/cloud/operator.js';

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

export function createVenueCommand(
  target: string,
  orgRef: string,
  name: string,
): Promise<{ venueId: number; org: { id: number; name: string } }> {
  return withCloudDb(target, async (accounts, db) => {
    const org = await findOrg(db.db, orgRef);
    if (!org) throw new CloudCommandError(`no organisation "${orgRef}" (give its id or exact name)`);
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
    const venue = await venueWithOwner(db.db, venueId);
    if (!venue) throw new CloudCommandError(`no venue ${venueId} (codance cloud venue list shows them)`);
    if (venue.ownerId === undefined) throw new CloudCommandError(`the organisation of venue ${venueId} has no owner`);
    const { code, expiresAt } = await accounts.enrolmentCode(venue.id, venue.ownerId, ttlMs);
    return { code, expiresAt, venue: venue.name, org: venue.org };
  });
}

export function listVenues(target: string): Promise<VenueLine[]> {
  return withCloudDb(target, (_accounts, db) => venueLines(db.db));
}
