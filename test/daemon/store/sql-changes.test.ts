/** The API's writes are announced once their transaction commits, and never when it rolls back. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Sql } from '../../../daemon/store/sql.js';
import { Store } from '../../../daemon/store/store.js';
import { tempDir } from '../../helpers/daemon-process.js';

describe('Sql announces changes', () => {
  it('after the commit, inside nested transactions once, and not for a rollback', async () => {
    const store = new Store({ path: join(tempDir(), 'codance.db'), batchMs: 10, maxBatchRows: 100, chunkMs: 1000 });
    await store.start();
    const seen: string[] = [];
    const sql = new Sql(store.sqlite, store.db, Date.now, (table, id) => {
      // Announced after the commit: what a listener reads is there.
      const row = store.sqlite.prepare(`SELECT count(*) AS n FROM ${table} WHERE id = ?`).get(id) as { n: number };
      seen.push(`${table}:${id}:${row.n}:${store.sqlite.inTransaction}`);
    });
    const insert = () =>
      sql.run(sql.db.insertInto('events').values({ name: 'e', starts_at: 0, ends_at: 1, created_at: 0, updated_at: 0 }))
        .id;
    const id = sql.tx(() => {
      const a = insert();
      sql.outbox('events', a);
      expect(seen).toEqual([]); // not yet: the transaction is open
      sql.tx(() => sql.outbox('events', a)); // nested
      return a;
    });
    expect(seen).toEqual([`events:${id}:1:false`, `events:${id}:1:false`]);
    seen.length = 0;
    expect(() =>
      sql.tx(() => {
        sql.outbox('events', insert());
        throw new Error('refused');
      }),
    ).toThrow('refused');
    expect(seen).toEqual([]);
    const lone = insert();
    sql.outbox('events', lone); // outside a transaction: at once
    expect(seen).toEqual([`events:${lone}:1:false`]);
    await store.stop();
  });
});
