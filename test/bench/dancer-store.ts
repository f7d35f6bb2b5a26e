/** A bench store holding `hours` of one dancer's data (and, with `others`, an hour each of other dancers'). */
import { join } from 'node:path';
import { createUser } from '../../daemon/api/auth/users.js';
import { Sql } from '../../daemon/store/sql.js';
import { Store } from '../../daemon/store/store.js';
import { seedDancerData, type Seeded } from '../helpers/dancer-data.js';
import { tempDir } from '../helpers/daemon-process.js';

export async function dancerStore(
  hours: number,
  others = 0,
): Promise<{ store: Store; sql: Sql; userId: number; seeded: Seeded }> {
  const store = new Store({
    path: join(tempDir('codance-bench-dancer-'), 'c.db'),
    batchMs: 100,
    maxBatchRows: 10_000,
    chunkMs: 1000,
  });
  await store.start();
  const sql = new Sql(store.sqlite, store.db, Date.now);
  const t0 = Date.now() - (hours + 1) * 3_600_000;
  const ids: number[] = [];
  for (let i = 0; i <= others; i++)
    ids.push(
      await createUser(sql, {
        username: `dancer${i}`,
        email: `dancer${i}@example.org`,
        password: 'bench-password-1',
        role: 'dancer',
      }),
    );
  const seeded = seedDancerData(store.sqlite, { userId: ids[0]!, band: 'band-0', t0, seconds: hours * 3600 });
  for (let i = 1; i <= others; i++)
    seedDancerData(store.sqlite, { userId: ids[i]!, band: `band-${i}`, t0, seconds: 3600 });
  return { store, sql, userId: ids[0]!, seeded };
}
