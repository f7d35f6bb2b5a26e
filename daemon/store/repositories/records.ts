/**
 * The store's plain records, table by name: a keyset page under filters, one row by id, and
 * create, update and delete each with its outbox entry in the same transaction (so a record
 * is never stored without being queued for the cloud, nor queued without being stored). The
 * API's generic resources and the route groups use these; the tables' own repositories hold
 * what is particular to them.
 */
import type { Insertable, Kysely, SelectQueryBuilder, Updateable } from 'kysely';
import type { Database, OutboxEntity } from '../schema.js';
import type { Sql } from '../sql.js';

export type Row = Record<string, unknown>;
type LooseDb = Record<string, Record<string, unknown>>;
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- Kysely's own "nothing selected yet" type
type LooseSelect = SelectQueryBuilder<LooseDb, string, {}>;
/** The typed database seen with string table and column names, for queries over a table chosen at run time. */
const loose = (sql: Sql): Kysely<LooseDb> => sql.db as unknown as Kysely<LooseDb>;

export type Comparison = '=' | '!=' | '<' | '<=' | '>' | '>=';
/** `column op value`, all of which must hold. */
export type Condition = readonly [column: string, op: Comparison, value: unknown];

/** Where a record's event is: its own column, or the rows of another table that tie it to events. */
export interface PageSource {
  timeColumn: string;
  eventColumn?: string | undefined;
  /** `id IN (SELECT column FROM table WHERE event_id = ?)`, e.g. the users registered for an event. */
  eventVia?: { table: string; column: string } | undefined;
  /** Only these columns (e.g. leave out a blob); default all. */
  select?: readonly string[] | undefined;
}

export interface PageFilter {
  eventId?: number | undefined;
  /** Epoch ms on the time column: at or after `from`, before `to`. */
  from?: number | undefined;
  to?: number | undefined;
  /** The last row of the previous page (keyset on time, id). */
  after?: { t: number; id: number } | undefined;
  order: 'asc' | 'desc';
  limit: number;
  offset?: number | undefined;
  where?: readonly Condition[];
}

/** True when `source` can narrow to one event. */
export const hasEvents = (source: PageSource): boolean =>
  source.eventColumn !== undefined || source.eventVia !== undefined;

/** One page of `table`, ordered by (time, id); `more` when another page follows. */
export function page(sql: Sql, table: string, source: PageSource, f: PageFilter): { rows: Row[]; more: boolean } {
  const t = source.timeColumn;
  let q: LooseSelect = loose(sql).selectFrom(table);
  if (f.eventId !== undefined) {
    const via = source.eventVia;
    if (via)
      q = q.where('id', 'in', loose(sql).selectFrom(via.table).select(via.column).where('event_id', '=', f.eventId));
    else if (source.eventColumn) q = q.where(source.eventColumn, '=', f.eventId);
  }
  if (f.from !== undefined) q = q.where(t, '>=', f.from);
  if (f.to !== undefined) q = q.where(t, '<', f.to);
  for (const [column, op, value] of f.where ?? []) q = q.where(column, op, value);
  const after = f.after;
  if (after) {
    const op = f.order === 'asc' ? '>' : '<';
    q = q.where((eb) => eb.or([eb(t, op, after.t), eb.and([eb(t, '=', after.t), eb('id', op, after.id)])]));
  }
  let sel = (source.select ? q.select([...source.select]) : q.selectAll())
    .orderBy(t, f.order)
    .orderBy('id', f.order)
    .limit(f.limit + 1);
  if (f.offset) sel = sel.offset(f.offset);
  const rows = sql.all(sel);
  const more = rows.length > f.limit;
  if (more) rows.pop();
  return { rows, more };
}

export function findRow(sql: Sql, table: string, id: unknown): Row | undefined {
  return sql.first(loose(sql).selectFrom(table).selectAll().where('id', '=', id));
}

/** Only the given columns of one row (to leave out a blob). */
export function findColumns(sql: Sql, table: string, id: unknown, columns: readonly string[]): Row | undefined {
  return sql.first(
    loose(sql)
      .selectFrom(table)
      .select([...columns])
      .where('id', '=', id),
  );
}

export function rowExists(sql: Sql, table: string, id: unknown): boolean {
  return sql.first(loose(sql).selectFrom(table).select('id').where('id', '=', id)) !== undefined;
}

/**
 * Inserts one record and queues it for the cloud in one transaction; returns its id. Typed by
 * table for the repositories; the generic resources pass rows built from their wire schemas.
 */
export function insertRecord<T extends OutboxEntity>(sql: Sql, table: T, values: Insertable<Database[T]>): number {
  return sql.tx(() => {
    const { id } = sql.run(loose(sql).insertInto(table).values(values));
    sql.outbox(table, id);
    return id;
  });
}

/** Sets the given columns (none: only re-queues it) and queues the record, in one transaction. */
export function updateRecord<T extends OutboxEntity>(
  sql: Sql,
  table: T,
  id: number,
  set: Updateable<Database[T]>,
): void {
  sql.tx(() => {
    if (Object.keys(set).length > 0)
      sql.run(
        loose(sql)
          .updateTable(table as string)
          .set(set as Row)
          .where('id', '=', id),
      );
    sql.outbox(table, id);
  });
}

/**
 * Deletes and queues the deletion; false when there was no such record. Throws SQLite's own
 * error when recorded data still refers to it.
 */
export function deleteRecord(sql: Sql, table: OutboxEntity, id: number): boolean {
  return sql.tx(() => {
    if (sql.run(loose(sql).deleteFrom(table).where('id', '=', id)).changes === 0) return false;
    sql.outbox(table, id, 'delete');
    return true;
  });
}

/** Inserts and queues the record; returns it as stored. */
export function createRow(sql: Sql, table: OutboxEntity, values: Row): Row {
  return findRow(sql, table, insertRecord(sql, table, values as never))!;
}

/**
 * Inserts many records in one transaction; each is queued for the cloud when `queue` (a
 * dancer without cloud consent keeps their data on the box). Returns how many.
 */
export function insertMany(sql: Sql, table: OutboxEntity, rows: readonly Row[], queue = true): number {
  return sql.tx(() => {
    for (const values of rows) {
      const { id } = sql.run(loose(sql).insertInto(table).values(values));
      if (queue) sql.outbox(table, id);
    }
    return rows.length;
  });
}

/** Sets the given columns and queues the record; returns it as stored. */
export function updateRow(sql: Sql, table: OutboxEntity, id: number, values: Row): Row {
  updateRecord(sql, table, id, values as never);
  return findRow(sql, table, id)!;
}
