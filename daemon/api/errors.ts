/**
 * The one error envelope: `{ error: { code, message, field? } }`. Handlers throw `ApiError`;
 * validation failures, malformed bodies, oversize bodies and SQLite constraint failures are
 * translated here, so no bad input can reach the client as a 500.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';

export interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const notFound = (what: string, id: number | string): ApiError =>
  new ApiError(404, 'not_found', `no ${what} with id ${id}`);
export const forbidden = (message: string): ApiError => new ApiError(403, 'forbidden', message);
export const conflict = (code: string, message: string, field?: string): ApiError =>
  new ApiError(409, code, message, field);

export function errorJson(
  c: Context,
  status: ContentfulStatusCode,
  error: ErrorBody['error'],
  headers: Record<string, string> = {},
): Response {
  for (const [k, v] of Object.entries(headers)) c.header(k, v);
  return c.json({ error } satisfies ErrorBody, status);
}

/** Validation failures name every bad field, e.g. `body.email: Invalid email address`. */
export function validationError(target: string, error: ZodError): ApiError {
  const where = target === 'json' || target === 'form' ? 'body' : target === 'param' ? 'path' : target;
  const issues = error.issues.slice(0, 10).map((i) => {
    const path = [where, ...i.path.map(String)].join('.');
    return { path, text: `${path}: ${i.message}` };
  });
  const first = issues[0];
  return new ApiError(
    422,
    'validation_failed',
    issues.map((i) => i.text).join('; ') || `invalid ${where}`,
    first?.path,
  );
}

const STATUS_CODES: Partial<Record<number, string>> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
};

/** SQLite constraint messages name the column (`UNIQUE constraint failed: users.email`). */
function fromSqlite(err: Error & { code?: string }): ApiError | undefined {
  const code = err.code ?? '';
  // A full or failing disk is the box's state, not a bug in the route: say so, and let the client retry.
  if (code === 'SQLITE_FULL')
    return new ApiError(
      507,
      'storage_full',
      "the box's disk is full; nothing was changed. Free space on the box (see /health) and try again",
    );
  if (code.startsWith('SQLITE_IOERR'))
    return new ApiError(
      503,
      'storage_unavailable',
      "the box's disk refused the write; nothing was changed. See /health",
    );
  if (!code.startsWith('SQLITE_CONSTRAINT')) return undefined;
  const column = /failed: \w+\.(\w+)/.exec(err.message)?.[1];
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    return new ApiError(
      409,
      'already_exists',
      column ? `${column} is already taken` : 'a record with these values already exists',
      column,
    );
  }
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY')
    return new ApiError(422, 'unknown_reference', 'a referenced record does not exist');
  return new ApiError(
    422,
    'constraint_failed',
    column ? `${column} is not allowed here` : 'the values break a rule of the store',
    column,
  );
}

/** Maps any thrown value to the envelope; returns undefined for a real server fault. */
export function toApiError(err: unknown): ApiError | undefined {
  if (err instanceof ApiError) return err;
  if (err instanceof HTTPException) {
    const code = STATUS_CODES[err.status] ?? 'http_error';
    // Hono's own messages ("Malformed JSON in request body") are safe and useful to show.
    return new ApiError(err.status, code, err.message || code.replaceAll('_', ' '));
  }
  if (err instanceof Error) return fromSqlite(err);
  return undefined;
}
