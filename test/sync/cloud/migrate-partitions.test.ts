/**
 * A cloud that already holds records moves to storage by day: on PostgreSQL every row is copied
 * into the partitioned table (days made for the readings it holds, ids kept, the id sequence
 * going on), on SQLite each row gets its day; the session summaries are then built at start.
 */
import { join } from 'node:path';
import { Migrator, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateCloud, openCloudDb } from '../../../sync/cloud/database.js';
import { cloudMigrations } from '../../../sync/cloud/migrations.js';
import { listPartitions } from '../../../sync/cloud/partitions.js';
import { ensureSummaries } from '../../../sync/cloud/summary-rebuild.js';
import { tempDir } from '../../helpers/daemon-process.js';
import { postgres, type Postgres } from '../../helpers/postgres.js';

const t0 = Date.parse('2026-11-21T21:00:00Z');
let pg: Postgres;

beforeAll(async () => {
  pg = await postgres();
}, 60_000);
afterAll(() => pg?.stop());

describe.each(['postgres', 'sqlite'] as const)('moving a cloud with records to storage by day (%s)', (kind) => {
  it('keeps every record, gives readings their day and builds the summaries', async () => {
    const cloud = openCloudDb(
      kind === 'postgres' ? pg.createDb(`migrate_${kind}`) : join(tempDir('codance-migrate-'), 'cloud.sqlite'),
    );
    try {
      const migrator = new Migrator({ db: cloud.db, provider: cloudMigrations(cloud.dialect) });
      expect((await migrator.migrateTo('2026-11-30T01-00-00-fleet')).error).toBeUndefined();
      await sql`INSERT INTO orgs (name, created_at) VALUES ('o', 0)`.execute(cloud.db);
      await sql`INSERT INTO venues (org_id, name, created_at) VALUES (1, 'v', 0)`.execute(cloud.db);
      await sql`INSERT INTO boxes (uid, venue_id, name, token_hash, enrolled_at) VALUES ('b', 1, 'b', 'h', 0)`.execute(
        cloud.db,
      );
      const rows: [string, number, number | null, string | null, number | null, string][] = [
        ['events', 1, t0, null, null, `{"id":1,"name":"Night"}`],
        ['users', 1, null, null, null, `{"id":1}`],
        ['biometric_data', 10, t0 + 1000, 'hr', 1, `{"heart_rate":90,"id":10}`],
        ['biometric_data', 11, t0 + 86_400_000, 'hr', 1, `{"heart_rate":110,"id":11}`],
        ['stream_chunks', 20, t0, 'acc', null, `{"id":20}`],
      ];
      for (const [entity, id, at, stream, user, data] of rows)
        await sql`INSERT INTO records (box_id, entity, entity_id, seq, event_id, at, stream, user_ref, data, received_at)
          VALUES (1, ${entity}, ${id}, ${id}, 1, ${at}, ${stream}, ${user}, ${data}, 0)`.execute(cloud.db);

      await migrateCloud(cloud);
      const stored = await cloud.db
        .selectFrom('records')
        .select(['id', 'entity', 'entity_id', 'part_at'])
        .orderBy('id')
        .execute();
      expect(stored.map((r) => [r.id, r.entity, Number(r.part_at)])).toEqual([
        [1, 'events', 0],
        [2, 'users', 0],
        [3, 'biometric_data', t0 + 1000],
        [4, 'biometric_data', t0 + 86_400_000],
        [5, 'stream_chunks', t0],
      ]);
      if (kind === 'postgres') {
        expect((await listPartitions(cloud.db, 'features')).map((p) => p.name)).toEqual([
          'records_f_20261121',
          'records_f_20261122',
        ]);
        expect((await listPartitions(cloud.db, 'raw')).map((p) => p.name)).toEqual(['records_r_20261121']);
      }
      // The ids go on after the copied ones.
      await sql`INSERT INTO records (box_id, entity, entity_id, seq, data, received_at) VALUES (1, 'users', 2, 9, '{}', 0)`.execute(
        cloud.db,
      );
      const next = await cloud.db
        .selectFrom('records')
        .select('id')
        .where('entity_id', '=', 2)
        .executeTakeFirstOrThrow();
      expect(Number(next.id)).toBe(6);

      expect(await ensureSummaries(cloud.db)).toBe(1);
      expect(await ensureSummaries(cloud.db)).toBe(0); // built once
      const streams = await cloud.db.selectFrom('session_streams').selectAll().orderBy('stream').execute();
      expect(streams.map((s) => [s.stream, Number(s.n)])).toEqual([
        ['acc', 1],
        ['hr', 2],
      ]);
      const dancer = await cloud.db.selectFrom('session_dancer_stats').selectAll().executeTakeFirstOrThrow();
      expect([Number(dancer.hr_n), Number(dancer.hr_max)]).toEqual([2, 110]);
    } finally {
      await cloud.close();
    }
  });
});
