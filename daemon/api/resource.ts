/**
 * Generic CRUD for the platform's plain resources (events, data records, presets, ...):
 * list (paged, filtered), get, create, update, delete, each with its own `Access`, the
 * owner rule for dancers, reference checks that name the field, and an outbox entry in
 * the same transaction as every change.
 */
import type { z } from '@hono/zod-openapi';
import type { Kysely, SelectQueryBuilder } from 'kysely';
import type { Access, CurrentUser } from './access.js';
import { toApi, toRow, type Columns, type Row } from './codec.js';
import { ApiError, conflict, forbidden, notFound } from './errors.js';
import { body, errors, idParam, json } from './openapi-common.js';
import { decodeCursor, encodeCursor, listQuery, pageSchema, type ListQuery } from './paging.js';
import type { ApiContext, ApiRouter } from './router.js';
import { userOf } from './router.js';
import type { Sql } from './sql.js';
import type { OutboxEntity } from '../store/schema.js';

type LooseDb = Record<string, Record<string, unknown>>;
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- Kysely's own "nothing selected yet" type
export type LooseSelect = SelectQueryBuilder<LooseDb, string, {}>;
export const loose = (sql: Sql): Kysely<LooseDb> => sql.db as unknown as Kysely<LooseDb>;

export interface Reference {
  table: string;
  noun: string;
}

export type Operation = 'list' | 'get' | 'create' | 'update' | 'delete';

export interface ResourceSpec {
  table: OutboxEntity;
  /** Under /api/v1, e.g. `/sound/events`. */
  path: string;
  tag: string;
  noun: string;
  columns: Columns;
  out: z.ZodType;
  create: z.ZodType<Row>;
  update: z.ZodType<Row>;
  timeColumn: string;
  eventColumn?: string;
  /** For records tied to events only through another table: narrows a list to one event. */
  eventFilter?: (q: LooseSelect, eventId: number) => LooseSelect;
  /** Column naming the dancer a record belongs to (for `own` access). */
  ownerColumn?: string;
  references?: Readonly<Record<string, Reference>>;
  access: Partial<Record<Operation, Access>>;
  /** Creating without an owner makes the caller the owner (else the owner stays empty). */
  ownerDefaultsToSelf?: boolean;
  /** Values a new record starts from (the body overrides them), e.g. a timestamp of now. */
  defaults?(): Row;
  /** Checks a record as it would be after a create or update (API shape); throws ApiError, or returns fields to set as well. */
  check?(record: Row, user: CurrentUser, before: Row | undefined): Row | undefined | Promise<Row | undefined>;
}

export interface Scope {
  sql: Sql;
}

const isOwnOnly = (access: Access | undefined, user: CurrentUser): boolean =>
  access !== undefined && access !== 'public' && (access.own?.includes(user.role) ?? false);

export interface ListSource {
  timeColumn: string;
  /** The column holding the record's event, or a filter for records tied to events through another table. */
  eventColumn?: string | undefined;
  eventFilter?: ((q: LooseSelect, eventId: number) => LooseSelect) | undefined;
  /** How rows become API records. */
  columns: Columns;
  /** Select only these columns (e.g. leave out a blob); default all. */
  select?: readonly string[];
}

/** A page of `table` under the list query, as API records; `narrow` adds route-specific filters. */
export function listPage(
  sql: Sql,
  table: string,
  src: ListSource,
  query: ListQuery,
  narrow?: (q: LooseSelect) => LooseSelect,
): { items: Row[]; next_cursor: string | null } {
  const t = src.timeColumn;
  let q: LooseSelect = loose(sql).selectFrom(table);
  if (query.event_id !== undefined) {
    if (src.eventFilter) q = src.eventFilter(q, query.event_id);
    else if (src.eventColumn) q = q.where(src.eventColumn, '=', query.event_id);
    else
      throw new ApiError(
        422,
        'validation_failed',
        'query.event_id: this list is not tied to events (presets and samples belong to the whole box)',
        'query.event_id',
      );
  }
  if (query.from) q = q.where(t, '>=', Date.parse(query.from));
  if (query.to) q = q.where(t, '<', Date.parse(query.to));
  if (narrow) q = narrow(q);
  if (query.cursor) {
    const c = decodeCursor(query.cursor);
    const op = query.order === 'asc' ? '>' : '<';
    q = q.where((eb) => eb.or([eb(t, op, c.t), eb.and([eb(t, '=', c.t), eb('id', op, c.id)])]));
  }
  let sel = (src.select ? q.select([...src.select]) : q.selectAll())
    .orderBy(t, query.order)
    .orderBy('id', query.order)
    .limit(query.limit + 1);
  if (query.offset) sel = sel.offset(query.offset);
  const rows = sql.all(sel);
  const more = rows.length > query.limit;
  if (more) rows.pop();
  const last = rows.at(-1);
  return {
    items: rows.map((r) => toApi(src.columns, r)),
    next_cursor: more && last ? encodeCursor({ t: Number(last[t]), id: Number(last.id) }) : null,
  };
}

export function getRow(sql: Sql, table: string, id: number, noun: string): Row {
  const row = sql.first(loose(sql).selectFrom(table).selectAll().where('id', '=', id));
  if (!row) throw notFound(noun, id);
  return row;
}

/** 422 naming the field when a referenced record is missing (SQLite would only say "FOREIGN KEY"). */
export function checkReferences(
  sql: Sql,
  references: Readonly<Record<string, Reference>> | undefined,
  values: Row,
): void {
  for (const [field, ref] of Object.entries(references ?? {})) {
    const v = values[field];
    if (v === undefined || v === null) continue;
    const found = sql.first(loose(sql).selectFrom(ref.table).select('id').where('id', '=', v));
    if (!found)
      throw new ApiError(
        422,
        'unknown_reference',
        `body.${field}: no ${ref.noun} with id ${JSON.stringify(v)}`,
        `body.${field}`,
      );
  }
}

function assertOwner(spec: ResourceSpec, op: Operation, user: CurrentUser, row: Row): void {
  if (!spec.ownerColumn || !isOwnOnly(spec.access[op], user)) return;
  if (row[spec.ownerColumn] !== user.id) throw forbidden(`this ${spec.noun} belongs to someone else`);
}

export function registerResource(router: ApiRouter, spec: ResourceSpec, scope: Scope): void {
  const { sql } = scope;
  const base = `/api/v1${spec.path}`;
  const stamp = (values: Row, creating: boolean): void => {
    const now = sql.now();
    if ('updated_at' in spec.columns) values.updated_at = now;
    if (creating && 'created_at' in spec.columns) values.created_at = now;
  };
  const page = pageSchema(spec.out);

  if (spec.access.list) {
    const access = spec.access.list;
    router.add(
      {
        method: 'get',
        path: base,
        tags: [spec.tag],
        summary: `List ${spec.noun}s`,
        access,
        request: { query: listQuery },
        responses: { 200: json(page, `a page of ${spec.noun}s`), ...errors(401, 403, 422) },
      },
      (c: ApiContext, { query }) => {
        const user = userOf(c);
        const own = spec.ownerColumn && isOwnOnly(access, user) ? spec.ownerColumn : undefined;
        return c.json(listPage(sql, spec.table, spec, query, own ? (q) => q.where(own, '=', user.id) : undefined), 200);
      },
    );
  }

  if (spec.access.create) {
    const access = spec.access.create;
    router.add(
      {
        method: 'post',
        path: base,
        tags: [spec.tag],
        summary: `Create a ${spec.noun}`,
        access,
        request: { body: body(spec.create) },
        responses: { 201: json(spec.out, `the new ${spec.noun}`), ...errors(401, 403, 409, 422) },
      },
      async (c: ApiContext, input) => {
        const user = userOf(c);
        const record: Row = { ...spec.defaults?.(), ...input.body };
        if (spec.ownerColumn) {
          if (spec.ownerDefaultsToSelf || isOwnOnly(access, user)) record[spec.ownerColumn] ??= user.id;
          if (isOwnOnly(access, user) && record[spec.ownerColumn] !== user.id)
            throw forbidden(`you may only create ${spec.noun}s for yourself`);
        }
        Object.assign(record, await spec.check?.(record, user, undefined));
        checkReferences(sql, spec.references, record);
        const values = toRow(spec.columns, record);
        stamp(values, true);
        const row = sql.tx(() => {
          const { id } = sql.run(loose(sql).insertInto(spec.table).values(values));
          sql.outbox(spec.table, id);
          return getRow(sql, spec.table, id, spec.noun);
        });
        return c.json(toApi(spec.columns, row), 201);
      },
    );
  }

  if (spec.access.get) {
    const access = spec.access.get;
    router.add(
      {
        method: 'get',
        path: `${base}/{id}`,
        tags: [spec.tag],
        summary: `Get a ${spec.noun}`,
        access,
        request: { params: idParam },
        responses: { 200: json(spec.out, `the ${spec.noun}`), ...errors(401, 403, 404, 422) },
      },
      (c: ApiContext, { params }) => {
        const row = getRow(sql, spec.table, params.id, spec.noun);
        assertOwner(spec, 'get', userOf(c), row);
        return c.json(toApi(spec.columns, row), 200);
      },
    );
  }

  if (spec.access.update) {
    const access = spec.access.update;
    router.add(
      {
        method: 'put',
        path: `${base}/{id}`,
        tags: [spec.tag],
        summary: `Update a ${spec.noun} (only the fields given)`,
        access,
        request: { params: idParam, body: body(spec.update) },
        responses: { 200: json(spec.out, `the updated ${spec.noun}`), ...errors(401, 403, 404, 409, 422) },
      },
      async (c: ApiContext, { params, body: patch }) => {
        const user = userOf(c);
        const before = getRow(sql, spec.table, params.id, spec.noun);
        assertOwner(spec, 'update', user, before);
        const changes: Row = { ...patch };
        if (
          spec.ownerColumn &&
          isOwnOnly(access, user) &&
          changes[spec.ownerColumn] !== undefined &&
          changes[spec.ownerColumn] !== user.id
        ) {
          throw forbidden(`you may not give a ${spec.noun} to someone else`);
        }
        const beforeApi = toApi(spec.columns, before);
        Object.assign(changes, await spec.check?.({ ...beforeApi, ...changes }, user, beforeApi));
        checkReferences(sql, spec.references, changes);
        const values = toRow(spec.columns, changes);
        delete values.id;
        stamp(values, false);
        const row = sql.tx(() => {
          if (Object.keys(values).length > 0)
            sql.run(loose(sql).updateTable(spec.table).set(values).where('id', '=', params.id));
          sql.outbox(spec.table, params.id);
          return getRow(sql, spec.table, params.id, spec.noun);
        });
        return c.json(toApi(spec.columns, row), 200);
      },
    );
  }

  if (spec.access.delete) {
    router.add(
      {
        method: 'delete',
        path: `${base}/{id}`,
        tags: [spec.tag],
        summary: `Delete a ${spec.noun}`,
        access: spec.access.delete,
        request: { params: idParam },
        responses: { 204: { description: 'deleted' }, ...errors(401, 403, 404, 422) },
      },
      (c: ApiContext, { params }) => {
        deleteRow(sql, spec, userOf(c), params.id);
        return c.body(null, 204);
      },
    );
  }
}

export function deleteRow(
  sql: Sql,
  spec: Pick<ResourceSpec, 'table' | 'noun' | 'ownerColumn' | 'access'>,
  user: CurrentUser,
  id: number,
): void {
  const row = getRow(sql, spec.table, id, spec.noun);
  assertOwner(spec as ResourceSpec, 'delete', user, row);
  try {
    sql.tx(() => {
      sql.run(loose(sql).deleteFrom(spec.table).where('id', '=', id));
      sql.outbox(spec.table, id, 'delete');
    });
  } catch (err) {
    // Recorded data still points at it (e.g. a device's stream chunks): keep the history.
    if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY')
      throw conflict('in_use', `this ${spec.noun} is referenced by recorded data; deactivate it instead`);
    throw err;
  }
}
