/**
 * Generic CRUD for the platform's plain resources (events, data records, presets, ...):
 * list (paged, filtered), get, create, update, delete, each with its own `Access`, the
 * owner rule for dancers, reference checks that name the field, and an outbox entry in
 * the same transaction as every change.
 */
import type { z } from '@hono/zod-openapi';
import type { Access, CurrentUser } from './access.js';
import { toApi, toRow, type Columns, type Row } from './codec.js';
import { ApiError, conflict, forbidden, notFound } from './errors.js';
import { body, errors, idParam, json } from './openapi-common.js';
import { decodeCursor, encodeCursor, listQuery, pageSchema, type ListQuery } from './paging.js';
import type { ApiContext, ApiRouter } from './router.js';
import { userOf } from './router.js';
import * as records from '../store/repositories/records.js';
import type { Condition, PageSource } from '../store/repositories/records.js';
import type { Sql } from '../store/sql.js';
import type { OutboxEntity } from '../store/schema.js';

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
  /** For records tied to events only through another table: which table, and its column naming the record. */
  eventVia?: PageSource['eventVia'];
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
  /** Told of the rows a list or get hands out (e.g. to log who read a dancer's biometrics). */
  read?(user: CurrentUser, rows: readonly Row[], how: 'list' | 'get'): void;
}

export interface Scope {
  sql: Sql;
}

const isOwnOnly = (access: Access | undefined, user: CurrentUser): boolean =>
  access !== undefined && access !== 'public' && (access.own?.includes(user.role) ?? false);

export interface ListSource extends PageSource {
  /** How rows become API records. */
  columns: Columns;
}

/** A page of `table` under the list query, as API records; `where` adds route-specific conditions. */
export function listPage(
  sql: Sql,
  table: string,
  src: ListSource,
  query: ListQuery,
  where: readonly Condition[] = [],
): { items: Row[]; next_cursor: string | null } {
  if (query.event_id !== undefined && !records.hasEvents(src))
    throw new ApiError(
      422,
      'validation_failed',
      'query.event_id: this list is not tied to events (presets and samples belong to the whole box)',
      'query.event_id',
    );
  const { rows, more } = records.page(sql, table, src, {
    eventId: query.event_id,
    from: query.from ? Date.parse(query.from) : undefined,
    to: query.to ? Date.parse(query.to) : undefined,
    after: query.cursor ? decodeCursor(query.cursor) : undefined,
    order: query.order,
    limit: query.limit,
    offset: query.offset,
    where,
  });
  const last = rows.at(-1);
  const t = src.timeColumn;
  return {
    items: rows.map((r) => toApi(src.columns, r)),
    next_cursor: more && last ? encodeCursor({ t: Number(last[t]), id: Number(last.id) }) : null,
  };
}

export function getRow(sql: Sql, table: string, id: number, noun: string): Row {
  const row = records.findRow(sql, table, id);
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
    if (!records.rowExists(sql, ref.table, v))
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
        const result = listPage(sql, spec.table, spec, query, own ? [[own, '=', user.id]] : []);
        spec.read?.(user, result.items, 'list');
        return c.json(result, 200);
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
        const row = records.createRow(sql, spec.table, values);
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
        spec.read?.(userOf(c), [row], 'get');
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
        const row = records.updateRow(sql, spec.table, params.id, values);
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
    records.deleteRecord(sql, spec.table, id);
  } catch (err) {
    // Recorded data still points at it (e.g. a device's stream chunks): keep the history.
    if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY')
      throw conflict('in_use', `this ${spec.noun} is referenced by recorded data; deactivate it instead`);
    throw err;
  }
}
