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
