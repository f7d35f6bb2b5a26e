/**
 * The Kysely types and the migrations describe the same tables: a migration that forgets a
 * column, or a type that forgets one (or its `| null`), fails here, for the box's store and
 * for the cloud's database.
 */
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Store } from '../../../daemon/store/store.js';
import { migrateCloud, openCloudDb } from '../../../sync/cloud/database.js';
import { kyselyTables, schemaDrift } from '../../helpers/schema-drift.js';
import { tempDir, ROOT } from '../../helpers/daemon-process.js';

/** Kysely's own bookkeeping, which no query of ours reads through the typed database. */
const KYSELY = ['kysely_migration', 'kysely_migration_lock'];

describe('store schema drift', () => {
  const box = kyselyTables(join(ROOT, 'daemon/store/schema.ts'), 'Database');

  it("the box's migrations make exactly the tables and columns daemon/store/schema.ts declares", async () => {
    const store = new Store({ path: join(tempDir(), 'codance.db'), batchMs: 10, maxBatchRows: 100, chunkMs: 1000 });
    await store.start();
    try {
      expect(schemaDrift(store.sqlite, box, KYSELY)).toEqual([]);
      // And the check bites: a migration that dropped a column (or never made it) is named.
      store.sqlite.exec('ALTER TABLE events DROP COLUMN capacity');
      store.sqlite.exec('ALTER TABLE devices ADD COLUMN firmware TEXT');
      expect(schemaDrift(store.sqlite, box, KYSELY)).toEqual([
        'devices.firmware: in the database, not in the types',
        'events.capacity: in the types, not in the database',
      ]);
    } finally {
      await store.stop();
    }
  }, 30_000);

  it("the cloud's migrations (on SQLite) make exactly what sync/cloud/schema.ts declares", async () => {
    const path = join(tempDir(), 'cloud.sqlite');
    const cloud = openCloudDb(path);
    await migrateCloud(cloud);
    await cloud.close();
    const sqlite = new BetterSqlite3(path, { readonly: true });
    try {
      expect(schemaDrift(sqlite, kyselyTables(join(ROOT, 'sync/cloud/schema.ts'), 'CloudDatabase'), KYSELY)).toEqual(
        [],
      );
    } finally {
      sqlite.close();
    }
  }, 30_000);
});
