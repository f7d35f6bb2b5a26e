/** Saved choreographies (collections), each visible to its owner; `ownerId` undefined reads everyone's (staff). */
import type { Insertable } from 'kysely';
import type { CollectionsTable } from '../schema-music.js';
import type { Sql } from '../sql.js';
import { insertRecord } from './records.js';

function visible(sql: Sql, ownerId: number | undefined) {
  const q = sql.db.selectFrom('collections').selectAll();
  return ownerId === undefined ? q : q.where('user_id', '=', ownerId);
}

/** Newest first; all of them without `limit`. */
export function collectionsOf(sql: Sql, ownerId: number | undefined, limit?: number) {
  const q = visible(sql, ownerId).orderBy('id', 'desc');
  return sql.all(limit === undefined ? q : q.limit(limit));
}

export function collectionOf(sql: Sql, id: number, ownerId: number | undefined) {
  return sql.first(visible(sql, ownerId).where('id', '=', id));
}

export const insertCollection = (sql: Sql, values: Insertable<CollectionsTable>): number =>
  insertRecord(sql, 'collections', values);
